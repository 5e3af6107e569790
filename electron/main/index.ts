import { app, safeStorage } from 'electron';
import { startDesktop } from './desktop';
import { safeStorageSealer } from './encryption';
import { entryMode } from './entry-mode';
import { settingsStorage } from './electron-stores';
import { headlessSealing } from './headless-sealing';
import { runHeadless } from './headless';
import { createLogger } from '../node/logger';

// The main entry only picks the face: the window and tray, or a headless `sesame` command.
const mode = entryMode(process.argv);
if (mode.kind === 'cli')
  void runHeadless(app, mode.args, () =>
    headlessSealing(
      safeStorageSealer(safeStorage, process.platform),
      settingsStorage(app.getPath('userData'), createLogger('settings')),
    ),
  );
else startDesktop();
