// `npm run icons [-- --check]`: bundles scripts/packaging/icons-command.ts for plain Node (as
// scripts/bench.mjs does for the benchmarks) and runs it on assets/.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const outfile = resolve('out/scripts/icons.mjs');
await build({
  entryPoints: ['scripts/packaging/icons-command.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const { runIcons, nodeIconsDeps } = await import(pathToFileURL(outfile).href);
process.exitCode = runIcons(process.argv.slice(2), nodeIconsDeps(resolve('assets')));
