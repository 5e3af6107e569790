// Types of bundle.mjs for the TypeScript callers (test/support/cli.ts).
import type { BuildOptions, BuildResult } from 'esbuild';

/** Bundles for Node 22 as one ESM file, with packages left to node_modules. */
export declare function bundleForNode(options: BuildOptions): Promise<BuildResult>;
