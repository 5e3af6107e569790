// `node --import` this file to make any load of the `electron` package fail loudly.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron' || specifier.startsWith('electron/')) {
      throw new Error(`loaded '${specifier}', which this program must never do`);
    }
    return nextResolve(specifier, context);
  },
});
