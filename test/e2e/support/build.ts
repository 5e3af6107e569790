import { join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild, type InlineConfig } from 'vite';
import electronViteConfig from '../../../electron.vite.config';
import { bundleScript, testOutDir } from '../../support/cli';

/** The renderer built exactly as the app builds it (electron-vite's renderer config), into a test dir. */
export async function buildRenderer(): Promise<string> {
  const outDir = join(testOutDir('renderer'), 'renderer');
  const config = electronViteConfig as { renderer?: InlineConfig };
  const renderer = config.renderer ?? {};
  await viteBuild({
    ...renderer,
    configFile: false,
    root: resolve(renderer.root ?? 'renderer'),
    base: './',
    logLevel: 'warn',
    build: { ...renderer.build, outDir, emptyOutDir: true },
  });
  return outDir;
}

/** The bridge program (plain Node) and the page's API script, bundled. */
export async function buildBridge(): Promise<{ program: string; browserApi: string }> {
  const program = await bundleScript(
    'bridge',
    `import { createInterface } from 'node:readline';
import { startBridge } from './test/e2e/bridge/bridge-server.ts';
const [stateDir, rendererDir, browserApiJs, ...sesame] = process.argv.slice(2);
const bridge = await startBridge({ stateDir, rendererDir, browserApiJs, sesame });
process.stdout.write('bridge listening on ' + bridge.url + '\\n');
process.on('SIGTERM', () => { bridge.close(); process.exit(0); });
// A line "open-link URI" on stdin opens the app with that link, as a click on it would.
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('open-link ')) bridge.openLink(line.slice('open-link '.length));
});
`,
  );
  const browserApi = join(testOutDir('bridge-api'), 'api.js');
  await esbuild({
    entryPoints: ['test/e2e/bridge/browser-api.ts'],
    outfile: browserApi,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'warning',
  });
  return { program, browserApi };
}
