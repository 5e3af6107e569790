// The one way this project bundles TypeScript for plain Node with esbuild: the `sesame` CLI
// (build-cli.mjs), the icon script, the benchmarks and the tests' helper programs
// (test/support/cli.ts). Types for the TypeScript callers are in bundle.d.mts.
import { build } from 'esbuild';

/**
 * Bundles for Node 22 as one ESM file, with packages left to node_modules (imported at run time,
 * never copied in). `options` names the input and `outfile`, and may add to these settings.
 */
export function bundleForNode(options) {
  return build({
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    ...options,
  });
}
