import { useEffect, useState } from 'react';
import type { SesameApi } from '../../../shared/ipc/contract';
import type { BrowserDeps } from '../browser';
import { errorMessage } from '../../../shared/basics';

/** The name an export is saved under. */
export const EXPORT_FILENAME = 'sesame-profiles.json';

/** Exports every profile as JSON: saved as a download, shown, and copyable. */
export function ExportPanel({ api, browser }: { api: SesameApi; browser: BrowserDeps }) {
  const [exported, setExported] = useState<
    { json: string; count: number; url: string } | undefined
  >();
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState('');

  useEffect(
    () => () => {
      if (exported) browser.revokeObjectURL(exported.url);
    },
    [exported, browser],
  );

  const run = async () => {
    setError(undefined);
    setStatus('');
    const result = await api.profiles.export();
    if (!result.ok) {
      setError(`Export failed: ${result.error.message}`);
      return;
    }
    const url = browser.createObjectURL(
      new Blob([result.value.json], { type: 'application/json' }),
    );
    setExported({ ...result.value, url });
    browser.download(url, EXPORT_FILENAME);
  };

  const copy = async () => {
    if (!exported) return;
    try {
      await browser.copyText(exported.json);
      setStatus('JSON copied to the clipboard.');
    } catch (reason) {
      setError(`Could not copy: ${errorMessage(reason)}`);
    }
  };

  return (
    <section className="export" aria-labelledby="export-title">
      <h3 id="export-title">Export</h3>
      <p className="hint">The export holds your knock sequences in clear text: keep it safe.</p>
      <div className="editor-actions">
        <button type="button" className="primary" onClick={() => void run()}>
          Export all profiles
        </button>
        {exported && (
          <>
            <a className="button" href={exported.url} download={EXPORT_FILENAME}>
              Save {EXPORT_FILENAME}
            </a>
            <button type="button" onClick={() => void copy()}>
              Copy JSON
            </button>
          </>
        )}
      </div>
      <p role="status" className="status">
        {exported &&
          `Exported ${exported.count} ${exported.count === 1 ? 'profile' : 'profiles'}. `}
        {status}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {exported && (
        <textarea
          className="export-json"
          readOnly
          rows={6}
          aria-label="Exported JSON"
          value={exported.json}
        />
      )}
    </section>
  );
}
