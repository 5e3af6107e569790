// Builds the `sesame` command line into one ESM file for plain Node (`bin.sesame`).
// Packages stay external (installed beside it); `electron` is refused outright.
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
  entryPoints: ['electron/cli/index.ts'],
  outfile,
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [refuseElectron],
});
