// Builds the `sesame` command line for plain Node: OUTFILE (`bin.sesame`) and, beside it, the chunks
// it loads. Split so that `sesame server` loads only the server's modules (electron/cli/index.ts).
// Packages stay external (installed beside it); `electron` is refused outright.
import { basename, dirname } from 'node:path';
import { bundleForNode } from './bundle.mjs';

const refuseElectron = {
  name: 'refuse-electron',
  setup(b) {
    b.onResolve({ filter: /^electron(\/.*)?$/ }, (args) => ({
      errors: [{ text: `the CLI must not import electron (imported by ${args.importer})` }],
    }));
  },
};

// `node scripts/build-cli.mjs [OUTFILE]`: the tests build a copy elsewhere.
const outfile = process.argv[2] ?? 'out/cli/sesame.js';

await bundleForNode({
  entryPoints: [{ in: 'electron/cli/index.ts', out: basename(outfile, '.js') }],
  outdir: dirname(outfile),
  splitting: true,
  chunkNames: 'sesame-[name]-[hash]',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [refuseElectron],
});
