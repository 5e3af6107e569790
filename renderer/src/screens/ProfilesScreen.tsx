import type { ProfilesView } from '../../../shared/ipc/contract';
import type { Profile } from '../../../shared/profile/profile';
import type { KnocksState } from '../hooks/useKnocks';
import { KnockProgress } from './KnockProgress';
import { ProfileRow, type ProfileRowActions } from './ProfileRow';

/**
 * The profile list with each door's last result and state, and below it the knock on screen in a
 * box of fixed height.
 */
export function ProfilesScreen({
  view,
  loadError,
  selected,
  knocks,
  actions,
  onNew,
  rowRef,
  sshNote,
}: {
  view: ProfilesView | undefined;
  loadError: string | undefined;
  selected: Profile | undefined;
  knocks: KnocksState;
  actions: ProfileRowActions;
  onNew: () => void;
  rowRef: (id: string) => (element: HTMLLIElement | null) => void;
  /** Said next to Open SSH when the door cannot close when ssh ends. */
  sshNote?: string | undefined;
}) {
  const profiles = view?.profiles ?? [];
  const current = knocks.runs.currentProfileId
    ? knocks.runs.byProfile[knocks.runs.currentProfileId]
    : undefined;
  return (
    <div className="profiles-screen">
      <div className="screen-head">
        <h2>Profiles</h2>
        <button type="button" onClick={onNew} aria-keyshortcuts="N">
          New profile
        </button>
      </div>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {view?.problem && (
        <p role="alert" className="warning">
          {view.problem}
        </p>
      )}
      <div className="list-scroll">
        {view && profiles.length === 0 ? (
          <p className="empty">
            No profiles yet. Press N for a new one, or import a knockd.conf under Import &amp;
            export.
          </p>
        ) : (
          <ul className="profile-list" aria-label="Profiles">
            {profiles.map((profile) => (
              <ProfileRow
                key={profile.id}
                profile={profile}
                selected={profile.id === selected?.id}
                run={knocks.runs.byProfile[profile.id]}
                outcome={knocks.lastOutcome[profile.id]}
                probe={knocks.probes[profile.id]}
                actions={actions}
                rowRef={rowRef(profile.id)}
                sshNote={profile.close ? sshNote : undefined}
              />
            ))}
          </ul>
        )}
        {view && (
          <p className="store-path">
            Saved in <span className="path">{view.storePath}</span>, shared with the sesame command.
          </p>
        )}
      </div>
      <KnockProgress
        run={current}
        notice={knocks.notice}
        onCancel={(id) => void knocks.cancel(id)}
      />
    </div>
  );
}
