// `npm start`: builds and opens the desktop app where the Electron runtime can run; where it cannot
// (no display, or Electron's binary cannot be downloaded), builds the CLI and says how to use it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bin = (name) => require.resolve(`.bin/${name}`, { paths: ['node_modules'] });

function electronProblem() {
  // Resolving `electron` downloads its binary on first use; do it in a child to catch failure.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    const lines = `${probe.stderr}`.split('\n').filter((l) => /Error|failed/i.test(l));
    return `the Electron runtime is not available (${lines[0]?.trim() ?? 'download failed'})`;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)';
  }
  return undefined;
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

const problem = electronProblem();
if (!problem) {
  process.exit(run(bin('electron-vite'), ['preview']));
}

const built = run(process.execPath, ['scripts/build-cli.mjs']);
if (built !== 0) process.exit(built);
process.stdout.write(
  `\nSesame's window cannot open here: ${problem}.\n` +
    'Everything it does is also in the command line, which is built and ready:\n\n' +
    '  node out/cli/sesame.js help\n\n' +
    '(or `npm link` once, then `sesame help`).\n',
);
