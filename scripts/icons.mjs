// `npm run icons [-- --check]`: bundles scripts/packaging/icons-command.ts for plain Node (with
// bundle.mjs, like the CLI and the benchmarks) and runs it on assets/.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForNode } from './bundle.mjs';

const outfile = resolve('out/scripts/icons.mjs');
await bundleForNode({ entryPoints: ['scripts/packaging/icons-command.ts'], outfile });
const { runIcons, nodeIconsDeps } = await import(pathToFileURL(outfile).href);
process.exitCode = runIcons(process.argv.slice(2), nodeIconsDeps(resolve('assets')));
