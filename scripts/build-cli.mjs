// Builds the `sesame` command line for plain Node: OUTFILE (`bin.sesame`) and, beside it, the chunks
// it loads. Split so that `sesame server` loads only the server's modules (electron/cli/index.ts).
// Packages stay external (installed beside it); `electron` is refused outright.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
const outdir = dirname(outfile);

// Chunk names change with their contents: an earlier build's would stay, and be packed.
const chunk = /^sesame-.+\.js(\.map)?$/;
mkdirSync(outdir, { recursive: true });
for (const file of readdirSync(outdir, { withFileTypes: true })) {
  if (file.isFile() && chunk.test(file.name)) rmSync(join(outdir, file.name));
}

await bundleForNode({
  entryPoints: [{ in: 'electron/cli/index.ts', out: basename(outfile, '.js') }],
  outdir,
  splitting: true,
  chunkNames: 'sesame-[name]-[hash]',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [refuseElectron],
});
