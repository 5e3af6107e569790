// Setup file of the node test projects: loading the real `electron` package is a bug in a test
// (it downloads the Electron binary). Vitest aliases `electron` to test/mocks/electron.ts; this
// hook makes every other way to reach the real module (require, createRequire, deep imports) fail.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron' || specifier.startsWith('electron/')) {
      throw new Error(
        `A test tried to load the real '${specifier}' module; tests use the fake in test/mocks/electron.ts ` +
          `(import it as 'electron').`,
      );
    }
    return nextResolve(specifier, context);
  },
});
