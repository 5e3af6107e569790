import { randomUUID } from 'node:crypto';
import type { AppInfo, EncryptionView, TerminalChoice } from '../../shared/ipc/contract';
import { importKnockdConfig } from '../../shared/knockd/import';
import { createDoorEngine, type DoorParts, type DoorTiming } from '../node/door-engine';
import type { Logger } from '../node/logger';
import type { ProfileFileBackend } from '../node/profile-store-file';
import { ProfileStore } from '../node/profile-store';
import type { SequenceSealer } from '../node/profile-sealing';
import type { AppServices } from './handlers';
import { KnockHistory, type HistoryStorage } from './knock-history';
import { KnockService, type TerminalLauncher } from './knock-service';
import { ProfileService } from './profile-service';
import { ProvisioningLinks } from './provisioning-links';
import {
  SettingsService,
  type SettingsServiceDeps,
  type SettingsStorage,
} from './settings-service';
import { SshConfigService } from './ssh-config-service';

/** Everything platform-specific the services are built from (Electron's in the app, plain in tests). */
export interface AppServiceDeps {
  appInfo: () => AppInfo;
  profilePath: string;
  profileBackend?: ProfileFileBackend;
  /** safeStorage's sealer, and whether it may seal new writes (a real OS secret store). */
  sealing?: { sealer: SequenceSealer; secure: boolean } | undefined;
  settingsStorage: SettingsStorage;
  historyStorage: HistoryStorage;
  encryption: (encryptSequences: boolean) => EncryptionView;
  terminals: () => Promise<TerminalChoice[]>;
  terminalInUse?: SettingsServiceDeps['terminalInUse'];
  launchTerminal: TerminalLauncher;
  logger: (module: string) => Logger;
  /** The user's ssh config and the argv that runs this sesame, for "Use with ssh, scp and git". */
  sshConfig: { file: () => string; sesame: () => readonly string[]; platform: string };
  /** The door engine's network parts and waits; the real ones unless a test passes its own. */
  doorParts?: DoorParts;
  doorTiming?: Partial<DoorTiming>;
}

/**
 * Wires the services of the window and the tray from their dependencies. Electron-free: the app
 * passes electron-store and safeStorage adapters, the end-to-end bridge plain files.
 */
export function createAppServices(deps: AppServiceDeps): AppServices {
  const settingsRef: { current?: SettingsService } = {};
  const store = new ProfileStore({
    path: deps.profilePath,
    now: () => new Date(),
    logger: deps.logger('profiles'),
    ...(deps.profileBackend ? { backend: deps.profileBackend } : {}),
    ...(deps.sealing ? { sealer: deps.sealing.sealer } : {}),
    sealWrites: () =>
      deps.sealing?.secure === true && (settingsRef.current?.current().encryptSequences ?? true),
  });
  const settings = new SettingsService({
    storage: deps.settingsStorage,
    encryption: deps.encryption,
    terminals: deps.terminals,
    ...(deps.terminalInUse ? { terminalInUse: deps.terminalInUse } : {}),
    logger: deps.logger('settings'),
  });
  const profiles = new ProfileService({
    store,
    importKnockd: importKnockdConfig,
    logger: deps.logger('profiles'),
    newId: randomUUID,
  });
  settingsRef.current = settings;
  const history = new KnockHistory(deps.historyStorage, deps.logger('history'));
  const knocks = new KnockService({
    findProfile: (id) => profiles.get(id),
    settings: () => settings.current(),
    history,
    door: createDoorEngine(deps.doorParts, deps.doorTiming),
    launchTerminal: deps.launchTerminal,
    logger: deps.logger('knock'),
  });
  // Flipping "Encrypt sequences" rewrites the file at once in the new form.
  settings.changed.add(() => {
    const result = store.resave();
    if (!result.ok) deps.logger('profiles').warn(result.error.message);
  });
  profiles.removed.add((profile) => history.forgetProfile(profile.id));
  const sshConfig = new SshConfigService({
    findProfile: (id) => profiles.get(id),
    ...deps.sshConfig,
  });
  const wallNow = deps.doorParts?.wallNow ?? (() => Date.now());
  const links = new ProvisioningLinks();
  return { appInfo: deps.appInfo, profiles, knocks, settings, sshConfig, links, wallNow };
}
