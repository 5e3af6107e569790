import type { KnockAction, KnockOutcome, ProbeView } from '../../../shared/door/outcome';
import { spaSummary } from '../../../shared/profile/open-summary';
import { isRotating } from '../../../shared/rotating/rotating-sequence';
import type { Profile } from '../../../shared/profile/profile';
import { PencilIcon, PulseIcon, TrashIcon } from '../components/Icons';
import { isRunning, type RunView } from '../model/runs';
import { actionWord, doorWord, stageWord, timeWord, verdictWord } from '../model/words';

/** What a row does when its buttons are pressed. */
export interface ProfileRowActions {
  select: (profile: Profile) => void;
  knock: (profile: Profile, action: KnockAction) => void;
  probe: (profile: Profile) => void;
  edit: (profile: Profile) => void;
  remove: (profile: Profile) => void;
}

function lastResult(run: RunView | undefined, outcome: KnockOutcome | undefined): string {
  if (run && isRunning(run)) return `${actionWord(run.action)}: ${stageWord(run.stage)}…`;
  if (!outcome) return 'Not knocked yet';
  return `${actionWord(outcome.action)}: ${verdictWord(outcome.verdict)} at ${timeWord(outcome.finishedAt)}`;
}

/**
 * One profile in the list: name, host, the last result and the door's last probed state, with
 * Open, Close, Open SSH, Check door, Edit and Delete. Buttons' names include the profile name.
 */
export function ProfileRow({
  profile,
  selected,
  run,
  outcome,
  probe,
  actions,
  rowRef,
  sshNote,
}: {
  profile: Profile;
  selected: boolean;
  run: RunView | undefined;
  outcome: KnockOutcome | undefined;
  probe: ProbeView | undefined;
  actions: ProfileRowActions;
  rowRef: (element: HTMLLIElement | null) => void;
  sshNote?: string | undefined;
}) {
  const running = isRunning(run);
  const name = profile.name;
  const door = probe ? doorWord(probe.state) : 'Door not checked';
  return (
    <li
      ref={rowRef}
      className={selected ? 'profile-row selected' : 'profile-row'}
      aria-current={selected ? 'true' : undefined}
      tabIndex={selected ? 0 : -1}
      onClick={() => actions.select(profile)}
      onFocus={(e) => {
        if (e.target === e.currentTarget) actions.select(profile);
      }}
    >
      <div className="profile-id">
        <span className="profile-name">{name}</span>
        <span className="profile-host">{profile.host}</span>
        {profile.spa && <span className="profile-spa">{spaSummary(profile.spa)}</span>}
        {isRotating(profile.open) && (
          <span className="profile-spa">
            Rotating sequence, a new one every {profile.open.stepSeconds} s
          </span>
        )}
      </div>
      <div className="profile-state">
        <span className="last-result">{lastResult(run, outcome)}</span>
        <span className={`door door-${probe?.state ?? 'unknown'}`}>
          {door}
          {probe && <span className="door-time"> at {timeWord(probe.at)}</span>}
        </span>
      </div>
      <div className="profile-actions">
        <button
          type="button"
          className="primary"
          aria-label={`Open ${name}`}
          disabled={running}
          onClick={() => actions.knock(profile, 'open')}
        >
          Open
        </button>
        <button
          type="button"
          aria-label={`Close ${name}`}
          disabled={running || profile.close === undefined}
          title={
            profile.close !== undefined
              ? undefined
              : profile.spa
                ? 'fwknopd removes its rule by itself when its timeout ends'
                : 'This profile has no close sequence'
          }
          onClick={() => actions.knock(profile, 'close')}
        >
          Close
        </button>
        <button
          type="button"
          aria-label={`Open SSH to ${name}`}
          aria-description={sshNote}
          title={sshNote}
          disabled={running}
          onClick={() => actions.knock(profile, 'ssh')}
        >
          Open SSH
          {sshNote && (
            <span className="ssh-note" aria-hidden="true">
              {' '}
              ⚠
            </span>
          )}
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Check door of ${name}`}
          title="Check door (probe the service port)"
          onClick={() => actions.probe(profile)}
        >
          <PulseIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Edit ${name}`}
          title="Edit"
          onClick={() => actions.edit(profile)}
        >
          <PencilIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Delete ${name}`}
          title="Delete"
          onClick={() => actions.remove(profile)}
        >
          <TrashIcon />
        </button>
      </div>
    </li>
  );
}
