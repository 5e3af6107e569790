import { useEffect, useState } from 'react';
import type { SesameApi, SshConfigView } from '../../../shared/ipc/contract';

type Action = 'add' | 'remove';

/** What the file holds for the alias, in words. */
function stateLine(view: SshConfigView): string {
  switch (view.state) {
    case 'absent':
      return `Not in ${view.file} yet.`;
    case 'current':
      return `In ${view.file}: ssh ${view.alias}, scp and git knock first.`;
    case 'outdated':
      return `${view.file} has an older block for ${view.alias}: update it to match the saved profile.`;
  }
}

/**
 * "Use with ssh, scp and git": the Host block `sesame ssh-config add` writes for the saved profile
 * (its ProxyCommand knocks before every connection), shown as it would be written, and added to,
 * updated in or removed from the user's ssh config.
 */
export function SshConfigPanel({
  api,
  profileId,
  unsaved,
}: {
  api: SesameApi;
  profileId: string;
  /** The form differs from the saved profile (the block describes what is saved). */
  unsaved: boolean;
}) {
  const [view, setView] = useState<SshConfigView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void api.sshConfig.view({ id: profileId }).then((result) => {
      if (!live) return;
      if (result.ok) setView(result.value);
      else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, profileId]);

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    const result = await api.sshConfig[action]({ id: profileId });
    setBusy(false);
    if (result.ok) setView(result.value);
    else setError(result.error.message);
  };

  return (
    <fieldset className="ssh-config" aria-describedby="ssh-config-about">
      <legend>Use with ssh, scp and git</legend>
      <p className="hint" id="ssh-config-about">
        A Host block in your ssh config whose ProxyCommand runs <code>sesame proxy</code>: it
        knocks, waits for the port and closes the door after the session, for every tool that reads
        the config.
        {unsaved ? ' It is written from the saved profile: save your changes first.' : ''}
      </p>
      {view ? (
        <>
          <p role="status" className="status" aria-label="ssh config state">
            {stateLine(view)}
          </p>
          {view.block.ok ? (
            <pre className="host-block" aria-label="Host block">
              {view.block.lines.join('\n')}
            </pre>
          ) : (
            <p role="alert" className="error">
              No Host block for this profile: {view.block.error}
            </p>
          )}
          {view.problem ? (
            <p role="alert" className="error">
              {view.problem}
            </p>
          ) : null}
          {view.done ? <p className="status">{view.done}</p> : null}
          <div className="editor-actions">
            <button
              type="button"
              disabled={busy || !view.block.ok || view.state === 'current'}
              onClick={() => void run('add')}
            >
              {view.state === 'outdated' ? 'Update in ssh config' : 'Add to ssh config'}
            </button>
            <button
              type="button"
              disabled={busy || view.state === 'absent'}
              onClick={() => void run('remove')}
            >
              Remove from ssh config
            </button>
          </div>
        </>
      ) : error ? null : (
        <p className="status">Reading the ssh config…</p>
      )}
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
