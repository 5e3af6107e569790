import { useId, useState, type ChangeEvent } from 'react';
import { ChoiceToggle } from '../components/ChoiceToggle';
import type { ImportView, SesameApi } from '../../../shared/ipc/contract';
import { openSummary, sequenceSummary } from '../../../shared/profile/open-summary';
import { errorMessage } from '../../../shared/basics';

type Format = 'json' | 'knockd' | 'fwknoprc';

interface Request {
  format: Format;
  text: string;
  host: string;
  replace: boolean;
}

function ImportResult({ view, label }: { view: ImportView; label: string }) {
  const verb = view.dryRun ? 'Would import' : 'Imported';
  const count = view.profiles.length;
  return (
    <section className="import-result" aria-label={label}>
      <p>
        {verb} {count} {count === 1 ? 'profile' : 'profiles'}
        {view.replaced.length > 0 &&
          `, ${view.dryRun ? 'replacing' : 'replaced'} ${view.replaced.join(', ')}`}
        .
      </p>
      {count > 0 && (
        <ul className="import-profiles">
          {view.profiles.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong> on {p.host}: open {openSummary(p)}
              {p.close && `, close ${sequenceSummary(p.close)}`}
            </li>
          ))}
        </ul>
      )}
      {view.notes.length > 0 && (
        <ul className="import-notes" aria-label="Import notes">
          {view.notes.map((note, i) => (
            <li key={i}>{note}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Import from a Sesame JSON export, a knockd.conf (whose doors need the host they are on) or a
 * .fwknoprc (whose stanzas open with SPA): a
 * preview first (a dry run), then the import of exactly what was previewed.
 */
export function ImportPanel({ api }: { api: SesameApi }) {
  const [request, setRequest] = useState<Request>({
    format: 'json',
    text: '',
    host: '',
    replace: false,
  });
  const [preview, setPreview] = useState<{ of: Request; view: ImportView } | undefined>();
  const [done, setDone] = useState<ImportView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [problems, setProblems] = useState<{ text?: string; host?: string }>({});
  const [busy, setBusy] = useState(false);
  const ids = {
    file: useId(),
    text: useId(),
    host: useId(),
    textProblem: useId(),
    hostProblem: useId(),
  };

  const edit = (change: Partial<Request>) => {
    setRequest((current) => ({ ...current, ...change }));
    setProblems({});
    setDone(undefined);
  };

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      const format = /fwknoprc$/i.test(file.name)
        ? 'fwknoprc'
        : /\.conf$/i.test(file.name)
          ? 'knockd'
          : /\.json$/i.test(file.name)
            ? 'json'
            : undefined;
      edit({ text, ...(format ? { format } : {}) });
    } catch (reason) {
      setError(`Could not read ${file.name}: ${errorMessage(reason)}`);
    }
  };

  const check = (): boolean => {
    const found: { text?: string; host?: string } = {};
    if (request.text.trim() === '') found.text = 'Text to import: paste a file or choose one';
    if (request.format === 'knockd' && request.host.trim() === '') {
      found.host = 'Host: enter the host the knockd.conf doors are on';
    }
    setProblems(found);
    return found.text === undefined && found.host === undefined;
  };

  const run = async (dryRun: boolean) => {
    setError(undefined);
    if (!check()) return;
    setBusy(true);
    const sent = request;
    const result = await api.profiles.import({
      format: sent.format,
      text: sent.text,
      ...(sent.format === 'knockd' ? { host: sent.host.trim() } : {}),
      replace: sent.replace,
      dryRun,
    });
    setBusy(false);
    if (!result.ok) {
      setError(`${dryRun ? 'Preview' : 'Import'} failed: ${result.error.message}`);
      return;
    }
    if (dryRun) {
      setPreview({ of: sent, view: result.value });
    } else {
      setPreview(undefined);
      setDone(result.value);
    }
  };

  const previewed = preview !== undefined && preview.of === request;
  const count = preview?.view.profiles.length ?? 0;

  return (
    <section className="import" aria-labelledby={`${ids.file}-title`}>
      <h3 id={`${ids.file}-title`}>Import</h3>
      <ChoiceToggle
        label="Import format"
        name={`${ids.file}-format`}
        value={request.format}
        choices={
          [
            ['json', 'Sesame JSON'],
            ['knockd', 'knockd.conf'],
            ['fwknoprc', '.fwknoprc (SPA)'],
          ] as const
        }
        onChange={(format) => edit({ format })}
      />
      <div className="field">
        <label htmlFor={ids.file}>Read from a file</label>
        <input
          id={ids.file}
          type="file"
          accept=".json,.conf,application/json,text/plain"
          onChange={(e) => void readFile(e)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.text}>Text to import</label>
        <textarea
          id={ids.text}
          rows={5}
          spellCheck={false}
          value={request.text}
          aria-invalid={problems.text !== undefined}
          aria-describedby={problems.text ? ids.textProblem : undefined}
          onChange={(e) => edit({ text: e.target.value })}
        />
        {problems.text && (
          <p className="field-problem" id={ids.textProblem}>
            {problems.text}
          </p>
        )}
      </div>
      {request.format === 'knockd' && (
        <div className="field">
          <label htmlFor={ids.host}>Host the doors are on</label>
          <input
            id={ids.host}
            type="text"
            autoComplete="off"
            spellCheck={false}
            required
            placeholder="server.example.org"
            value={request.host}
            aria-invalid={problems.host !== undefined}
            aria-describedby={problems.host ? ids.hostProblem : undefined}
            onChange={(e) => edit({ host: e.target.value })}
          />
          {problems.host && (
            <p className="field-problem" id={ids.hostProblem}>
              {problems.host}
            </p>
          )}
        </div>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={request.replace}
          onChange={(e) => edit({ replace: e.target.checked })}
        />
        Replace saved profiles with the same name
      </label>
      <div className="editor-actions">
        <button type="button" disabled={busy} onClick={() => void run(true)}>
          Preview
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !previewed || count === 0}
          onClick={() => void run(false)}
        >
          {previewed ? `Import ${count} ${count === 1 ? 'profile' : 'profiles'}` : 'Import'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {previewed && <ImportResult view={preview.view} label="Import preview" />}
      {done && <ImportResult view={done} label="Import result" />}
    </section>
  );
}
