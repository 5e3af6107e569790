import type { AppInfo } from '../../shared/ipc/contract';
import { rotatingPreview } from '../node/door-knocks';
import type { IpcHandlers } from './ipc-dispatch';
import type { ProvisioningLinks } from './provisioning-links';
import type { KnockService } from './knock-service';
import type { ProfileService } from './profile-service';
import type { SettingsService } from './settings-service';
import type { SshConfigService } from './ssh-config-service';

/** The services behind the window's API. */
export interface AppServices {
  appInfo: () => AppInfo;
  profiles: ProfileService;
  knocks: KnockService;
  settings: SettingsService;
  sshConfig: SshConfigService;
  links: ProvisioningLinks;
  /** Wall-clock milliseconds since the epoch (a rotating sequence's step is read from it). */
  wallNow: () => number;
}

/**
 * Maps every channel of the contract to a service call. Electron-free: the app registers these with
 * ipcMain, and the end-to-end test bridge serves the very same table over a local connection.
 */
export function createHandlers(s: AppServices): IpcHandlers {
  return {
    'app:info': () => ({ ok: true, value: s.appInfo() }),
    'profiles:list': () => ({ ok: true, value: s.profiles.view() }),
    'profiles:get': ({ id }) => s.profiles.get(id),
    'profiles:save': ({ id, profile }) => s.profiles.save(id, profile),
    'profiles:delete': ({ id }) => s.profiles.remove(id),
    'profiles:import': (request) => s.profiles.import(request),
    'profiles:export': (input) => s.profiles.export(input?.ids),
    'knock:run': ({ profileId, action, reknock }) => {
      const started = s.knocks.start(profileId, action, { reknock });
      return started.ok ? { ok: true, value: { runId: started.value.runId } } : started;
    },
    'knock:cancel': ({ id }) => ({ ok: true, value: s.knocks.cancel(id) }),
    'knock:history': () => ({ ok: true, value: s.knocks.history() }),
    'probe:run': ({ id }) => s.knocks.probe(id),
    'settings:get': async () => ({ ok: true, value: await s.settings.view() }),
    'settings:save': (settings) => s.settings.save(settings),
    'sshConfig:view': ({ id }) => s.sshConfig.view(id),
    'sshConfig:add': ({ id }) => s.sshConfig.add(id),
    'sshConfig:remove': ({ id }) => s.sshConfig.remove(id),
    'rotating:preview': (sequence) => ({ ok: true, value: rotatingPreview(sequence, s.wallNow()) }),
    'links:take': () => ({ ok: true, value: s.links.take() }),
  };
}
