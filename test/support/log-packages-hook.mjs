// `node --import` this file to have a program print `package loaded: NAME` on stderr for every
// package (not node: built-ins, not relative files) it imports or requires.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (!/^(node:|\.|\/|file:)/.test(specifier)) {
      process.stderr.write(`package loaded: ${specifier}\n`);
    }
    return nextResolve(specifier, context);
  },
});
