// `npm run dist[:linux|:mac|:win|:dir]`: builds the app and the CLI (`npm run build`), then the
// installers with electron-builder (electron-builder.config.ts; arguments pass through, e.g. --linux).
// electron-builder rebuilds the native modules (raw-socket; sesame-capture is Node-API, one build
// serves Node and Electron) inside node_modules for Electron's ABI; afterwards raw-socket is rebuilt
// for Node again, so the CLI and the tests keep working.
import { spawnSync } from 'node:child_process';

const windows = process.platform === 'win32';

function run(command, args) {
  // npm is npm.cmd on Windows, which Node starts only through a shell.
  const result = spawnSync(command, args, { stdio: 'inherit', shell: windows });
  return result.status ?? 1;
}

const npm = windows ? 'npm.cmd' : 'npm';
let status = run(npm, ['run', 'build']);
if (status === 0) {
  const builder = ['--config', 'electron-builder.config.ts', '--publish', 'never'];
  status = run(npm, ['exec', '--', 'electron-builder', ...builder, ...process.argv.slice(2)]);
  if (run(npm, ['rebuild', 'raw-socket', 'sesame-capture']) !== 0) {
    process.stderr.write(
      'dist: raw-socket is still built for Electron, not Node: run npm rebuild raw-socket sesame-capture\n',
    );
    status ||= 1;
  }
}
process.exit(status);
