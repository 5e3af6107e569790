// `npm run bench`: bundles each benchmark under test/bench/ for plain Node and runs it.
// Benchmarks need root (network namespaces) and Debian's knock/knockd and tcpdump.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForNode } from './bundle.mjs';

const only = process.argv[2];
const benches = readdirSync('test/bench')
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => !only || f.startsWith(only));
mkdirSync('out/bench', { recursive: true });
let failed = 0;
for (const file of benches) {
  const outfile = join('out/bench', file.replace(/\.ts$/, '.mjs'));
  await bundleForNode({ entryPoints: [join('test/bench', file)], outfile });
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
