import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, SesameApi } from '../../shared/ipc/contract';
import type { Profile } from '../../shared/profile/profile';
import type { BrowserDeps } from './browser';
import { useKnocks } from './hooks/useKnocks';
import { useProfiles } from './hooks/useProfiles';
import { useShortcuts } from './hooks/useShortcuts';
import type { ShortcutAction } from './model/shortcuts';
import { isRunning } from './model/runs';
import { DeleteDialog } from './screens/DeleteDialog';
import { HistoryScreen } from './screens/HistoryScreen';
import { ProfileEditor } from './screens/ProfileEditor';
import type { ProfileRowActions } from './screens/ProfileRow';
import { ProfilesScreen } from './screens/ProfilesScreen';
import { useSshNote } from './hooks/useSshNote';
import { SettingsScreen } from './screens/SettingsScreen';
import { ShortcutsDialog } from './screens/ShortcutsDialog';
import { TransferScreen } from './screens/TransferScreen';
import { useProvisioningLinks } from './hooks/useProvisioningLinks';

type Screen = 'profiles' | 'history' | 'transfer' | 'settings';

const SCREENS: readonly { id: Screen; label: string; keys: string }[] = [
  { id: 'profiles', label: 'Profiles', keys: '1' },
  { id: 'history', label: 'History', keys: '2' },
  { id: 'transfer', label: 'Import & export', keys: '3' },
  { id: 'settings', label: 'Settings', keys: 'Control+,' },
];

type Dialogs = { kind: 'shortcuts' } | { kind: 'delete'; profile: Profile } | undefined;

/** The window with the app API present: navigation, the screens, the dialogs and the shortcuts. */
export function Shell({
  api,
  browser,
  info,
}: {
  api: SesameApi;
  browser: BrowserDeps;
  info: AppInfo | undefined;
}) {
  const profiles = useProfiles(api);
  const list = profiles.view?.profiles;
  const nameOf = useCallback((id: string) => list?.find((p) => p.id === id)?.name ?? id, [list]);
  const knocks = useKnocks(api, nameOf);
  const [screen, setScreen] = useState<Screen>('profiles');
  const [editing, setEditing] = useState<
    { profile: Profile | undefined; link?: string } | undefined
  >();
  // A sesame://rotating link opens a new profile filled in from it, on the profiles screen.
  useProvisioningLinks(api, (link) => {
    setScreen('profiles');
    setEditing({ profile: undefined, link });
  });
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [dialog, setDialog] = useState<Dialogs>();
  const [focusTick, setFocusTick] = useState(0);
  const sshNote = useSshNote(api, screen === 'profiles');
  const rows = useRef(new Map<string, HTMLLIElement>());

  const all = list ?? [];
  const selected = all.find((p) => p.id === selectedId) ?? all[0];

  // Focus follows the selection only when asked (arrow keys, back from the editor or a dialog), once
  // the selected row exists (a profile just saved appears when the list reloads).
  const focusedTick = useRef(0);
  useEffect(() => {
    if (focusTick === focusedTick.current || !selected) return;
    if (selectedId !== undefined && selected.id !== selectedId) return;
    const row = rows.current.get(selected.id);
    if (!row) return;
    focusedTick.current = focusTick;
    row.focus();
    // jsdom has no scrollIntoView.
    (row as Partial<Pick<HTMLElement, 'scrollIntoView'>>).scrollIntoView?.({ block: 'nearest' });
  }, [focusTick, selected, selectedId]);

  const select = (profile: Profile | undefined, focus = false) => {
    if (!profile) return;
    setSelectedId(profile.id);
    if (focus) setFocusTick((n) => n + 1);
  };

  const go = (next: Screen) => {
    setEditing(undefined);
    setScreen(next);
  };

  const leaveEditor = (saved?: Profile) => {
    setEditing(undefined);
    if (saved) {
      setSelectedId(saved.id);
      void profiles.reload();
    }
    setFocusTick((n) => n + 1);
  };

  const actions: ProfileRowActions = {
    select: (profile) => select(profile),
    knock: (profile, action) => void knocks.knock(profile, action),
    probe: (profile) => void knocks.probe(profile),
    edit: (profile) => setEditing({ profile }),
    remove: (profile) => setDialog({ kind: 'delete', profile }),
  };

  const onListKey = (action: ShortcutAction): boolean => {
    if (!selected) return false;
    const index = all.indexOf(selected);
    const running = isRunning(knocks.runs.byProfile[selected.id]);
    switch (action) {
      case 'previous':
        select(all[Math.max(index - 1, 0)], true);
        return true;
      case 'next':
        select(all[Math.min(index + 1, all.length - 1)], true);
        return true;
      case 'first':
        select(all[0], true);
        return true;
      case 'last':
        select(all.at(-1), true);
        return true;
      case 'open':
      case 'ssh':
        if (!running) actions.knock(selected, action);
        return true;
      case 'close':
        if (!running && selected.close) actions.knock(selected, 'close');
        return true;
      case 'probe':
        actions.probe(selected);
        return true;
      case 'edit':
        actions.edit(selected);
        return true;
      case 'delete':
        actions.remove(selected);
        return true;
      case 'cancel':
        if (!running) return false;
        void knocks.cancel(selected.id);
        return true;
      default:
        return false;
    }
  };

  const onKey = (action: ShortcutAction): boolean => {
    switch (action) {
      case 'settings':
        go('settings');
        return true;
      case 'help':
        setDialog({ kind: 'shortcuts' });
        return true;
      case 'cancel':
        if (editing) {
          leaveEditor();
          return true;
        }
        break;
      case 'profiles':
      case 'history':
      case 'transfer':
        if (editing) return false;
        go(action);
        return true;
      case 'new':
        if (editing) return false;
        setScreen('profiles');
        setEditing({ profile: undefined });
        return true;
      default:
        break;
    }
    return screen === 'profiles' && !editing ? onListKey(action) : false;
  };

  useShortcuts(onKey, dialog === undefined);

  const rowRef = (id: string) => (element: HTMLLIElement | null) => {
    if (element) rows.current.set(id, element);
    else rows.current.delete(id);
  };

  return (
    <div className="app">
      <header className="topbar">
        <h1>Sesame</h1>
        <nav aria-label="Screens">
          {SCREENS.map((s) => (
            <button
              key={s.id}
              type="button"
              className="tab"
              aria-current={screen === s.id && !editing ? 'page' : undefined}
              aria-keyshortcuts={s.keys}
              onClick={() => go(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
        <button
          type="button"
          className="tab shortcuts-button"
          aria-label="Keyboard shortcuts"
          aria-keyshortcuts="?"
          onClick={() => setDialog({ kind: 'shortcuts' })}
        >
          Shortcuts
        </button>
      </header>
      <main className="screen">
        {editing ? (
          <ProfileEditor
            key={editing.profile?.id ?? editing.link ?? 'new'}
            link={editing.link}
            api={api}
            profile={editing.profile}
            random={browser.random}
            onSaved={(saved) => leaveEditor(saved)}
            onCancel={() => leaveEditor()}
          />
        ) : screen === 'profiles' ? (
          <ProfilesScreen
            view={profiles.view}
            loadError={profiles.error}
            selected={selected}
            knocks={knocks}
            actions={actions}
            onNew={() => setEditing({ profile: undefined })}
            rowRef={rowRef}
            sshNote={sshNote}
          />
        ) : screen === 'history' ? (
          <HistoryScreen history={knocks.history} error={knocks.historyError} />
        ) : screen === 'transfer' ? (
          <TransferScreen api={api} browser={browser} />
        ) : (
          <SettingsScreen api={api} info={info} />
        )}
      </main>
      {dialog?.kind === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'delete' && (
        <DeleteDialog
          api={api}
          profile={dialog.profile}
          onCancel={() => setDialog(undefined)}
          onDone={() => {
            const at = all.findIndex((p) => p.id === dialog.profile.id);
            setSelectedId((all[at + 1] ?? all[at - 1])?.id);
            setDialog(undefined);
            void profiles.reload();
            setFocusTick((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
