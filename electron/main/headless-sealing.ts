import { readSettingsFile } from '../../shared/settings/settings-file';
import type { SequenceSealer } from '../node/profile-sealing';
import type { SettingsStorage } from './settings-service';

/**
 * The sealing the app's headless CLI uses: it reads sealed profiles with safeStorage, and seals what
 * it writes exactly when the window would (a real keyring and "Encrypt sequences" on).
 */
export function headlessSealing(
  sealing: { sealer: SequenceSealer; secure: boolean } | undefined,
  settings: Pick<SettingsStorage, 'read'>,
): { sealer: SequenceSealer; sealWrites: () => boolean } | undefined {
  if (!sealing) return undefined;
  const encrypt = () => readSettingsFile(settings.read()).settings.encryptSequences;
  return { sealer: sealing.sealer, sealWrites: () => sealing.secure && encrypt() };
}
