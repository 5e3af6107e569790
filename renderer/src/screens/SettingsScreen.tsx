import { useEffect, useId, useState, type SubmitEvent } from 'react';
import type { AppInfo, SesameApi, SettingsView } from '../../../shared/ipc/contract';
import {
  settingsSchema,
  terminalSettingSchema,
  type Settings,
} from '../../../shared/settings/settings';
import { terminalIds, type TerminalId } from '../../../shared/settings/terminals';

type TerminalPick = 'auto' | 'custom' | TerminalId;

function pickOf(settings: Settings): TerminalPick {
  switch (settings.terminal.kind) {
    case 'auto':
      return 'auto';
    case 'named':
      return settings.terminal.id;
    case 'custom':
      return 'custom';
  }
}

function parsePick(value: string): TerminalPick {
  if (value === 'custom') return 'custom';
  const named = terminalIds.find((id) => id === value);
  return named ?? 'auto';
}

function terminalSetting(pick: TerminalPick, command: string): Settings['terminal'] {
  if (pick === 'auto') return { kind: 'auto' };
  if (pick === 'custom') return { kind: 'custom', command };
  return { kind: 'named', id: pick };
}

/** The encryption backend in use, and its warning where sequences end up in plain text. */
function EncryptionState({ view }: { view: SettingsView['encryption'] }) {
  return (
    <div className="encryption">
      <p>
        Secret storage backend: <strong className="backend">{view.backend}</strong>{' '}
        {view.secure ? '(an OS secret store)' : '(not a secure store)'}. Knock sequences are{' '}
        {view.encrypted ? 'encrypted on disk' : 'stored in plain text'}.
      </p>
      {view.warning && (
        <p className="warning" role="note" aria-label="Encryption warning">
          <strong>Warning:</strong> {view.warning}
        </p>
      )}
    </div>
  );
}

/** Terminal for Open SSH, notifications, encryption of sequences, and which backend protects them. */
export function SettingsScreen({ api, info }: { api: SesameApi; info: AppInfo | undefined }) {
  const [view, setView] = useState<SettingsView | undefined>();
  const [pick, setPick] = useState<TerminalPick>('auto');
  const [command, setCommand] = useState('');
  const [notifications, setNotifications] = useState(true);
  const [encrypt, setEncrypt] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const [commandProblem, setCommandProblem] = useState<string | undefined>();
  const [closeAfter, setCloseAfter] = useState('0');
  const [closeAfterError, setCloseAfterError] = useState<string | undefined>();
  const [status, setStatus] = useState('');
  const ids = {
    terminal: useId(),
    command: useId(),
    commandNote: useId(),
    problem: useId(),
    closeAfter: useId(),
    closeAfterNote: useId(),
    closeAfterProblem: useId(),
  };

  const show = (next: SettingsView) => {
    setView(next);
    setPick(pickOf(next.settings));
    setCommand(next.settings.terminal.kind === 'custom' ? next.settings.terminal.command : '');
    setNotifications(next.settings.notifications);
    setEncrypt(next.settings.encryptSequences);
    setCloseAfter(String(next.settings.closeAfterMinutes));
  };

  useEffect(() => {
    void api.settings.get().then((result) => {
      if (result.ok) show(result.value);
      else setError(`Could not load the settings: ${result.error.message}`);
    });
  }, [api]);

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setStatus('');
    setError(undefined);
    const terminal = terminalSetting(pick, command);
    const checked = terminalSchemaProblem(terminal);
    setCommandProblem(checked);
    const minutes = closeAfterProblem(closeAfter);
    setCloseAfterError(minutes.ok ? undefined : minutes.error);
    if (checked || !minutes.ok) return;
    const result = await api.settings.save({
      terminal,
      notifications,
      encryptSequences: encrypt,
      closeAfterMinutes: minutes.value,
    });
    if (result.ok) {
      show(result.value);
      setStatus('Settings saved.');
    } else {
      setError(`Could not save the settings: ${result.error.message}`);
    }
  };

  return (
    <form
      className="settings-screen"
      aria-label="Settings"
      noValidate
      onSubmit={(e) => void save(e)}
    >
      <h2>Settings</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {view && <EncryptionState view={view.encryption} />}
      <fieldset>
        <legend>Open SSH</legend>
        <div className="field">
          <label htmlFor={ids.terminal}>Terminal</label>
          <select
            id={ids.terminal}
            disabled={!view}
            value={pick}
            onChange={(e) => setPick(parsePick(e.target.value))}
          >
            <option value="auto">Automatic (the first one found)</option>
            {view?.terminals.map((t) => (
              <option key={t.id} value={t.id}>
                {t.available ? t.label : `${t.label} (not found)`}
              </option>
            ))}
            <option value="custom">Custom command…</option>
          </select>
        </div>
        {pick === 'custom' && (
          <div className="field">
            <label htmlFor={ids.command}>Terminal command</label>
            <input
              id={ids.command}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={command}
              placeholder="/usr/bin/my-terminal"
              aria-invalid={commandProblem !== undefined}
              aria-describedby={`${ids.commandNote}${commandProblem ? ` ${ids.problem}` : ''}`}
              onChange={(e) => {
                setCommand(e.target.value);
                setCommandProblem(undefined);
              }}
            />
            <p className="hint" id={ids.commandNote}>
              Sesame runs it as <code>&lt;command&gt; -e ssh …</code>: the ssh command and its
              arguments follow <code>-e</code>, as separate arguments (no shell).
            </p>
            {commandProblem && (
              <p className="field-problem" id={ids.problem}>
                Terminal command: {commandProblem}
              </p>
            )}
          </div>
        )}
        {view?.terminalInUse && <TerminalInUse use={view.terminalInUse} />}
        <div className="field">
          <label htmlFor={ids.closeAfter}>Close the door after (minutes)</label>
          <input
            id={ids.closeAfter}
            type="number"
            min={0}
            max={1440}
            step={1}
            disabled={!view}
            value={closeAfter}
            aria-invalid={closeAfterError !== undefined}
            aria-describedby={`${ids.closeAfterNote}${closeAfterError ? ` ${ids.closeAfterProblem}` : ''}`}
            onChange={(e) => {
              setCloseAfter(e.target.value);
              setCloseAfterError(undefined);
            }}
          />
          <p className="hint" id={ids.closeAfterNote}>
            For a terminal that cannot tell Sesame when ssh ends: Sesame sends the close sequence
            this long after Open SSH. 0 leaves the door open until you close it.
          </p>
          {closeAfterError && (
            <p className="field-problem" id={ids.closeAfterProblem}>
              Close after: {closeAfterError}
            </p>
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>Behaviour</legend>
        <label className="check">
          <input
            type="checkbox"
            disabled={!view}
            checked={notifications}
            onChange={(e) => setNotifications(e.target.checked)}
          />
          Show a notification when a knock finishes
        </label>
        <label className="check">
          <input
            type="checkbox"
            disabled={!view}
            checked={encrypt}
            onChange={(e) => setEncrypt(e.target.checked)}
          />
          Encrypt knock sequences on disk
        </label>
      </fieldset>
      <div className="editor-actions">
        <button type="submit" className="primary" disabled={!view}>
          Save settings
        </button>
        <span role="status" className="status">
          {status}
        </span>
      </div>
      {info && (
        <p className="about">
          {info.name} {info.version} on {info.platform}
        </p>
      )}
    </form>
  );
}

/** Which terminal Open SSH will use, and whether the door can close when ssh ends. */
function TerminalInUse({ use }: { use: NonNullable<SettingsView['terminalInUse']> }) {
  if (!use.ok) return <p className="hint warning">Open SSH: {use.error}</p>;
  return (
    <p className="hint">
      Open SSH uses {use.label}.{' '}
      {use.waits
        ? 'It tells Sesame when ssh ends, so the door closes then.'
        : 'It does not tell Sesame when ssh ends, so the door cannot close then: set a time below.'}
    </p>
  );
}

/** The minutes field as a number, or why it is not one the settings take. */
function closeAfterProblem(
  text: string,
): { ok: true; value: number } | { ok: false; error: string } {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value))
    return { ok: false, error: 'a whole number of minutes (0 for never)' };
  const parsed = settingsSchema.shape.closeAfterMinutes.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        error: parsed.error.issues.map((i) => i.message.replace(/^close after: /, '')).join('; '),
      };
}

function terminalSchemaProblem(terminal: Settings['terminal']): string | undefined {
  const parsed = terminalSettingSchema.safeParse(terminal);
  return parsed.success ? undefined : parsed.error.issues.map((i) => i.message).join('; ');
}
