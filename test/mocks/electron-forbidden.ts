// Where vitest resolves every `electron` import that must not happen: deep imports of the real
// package in the node projects, and any `electron` import at all in the renderer's project.
throw new Error(
  "A test tried to load the real electron module: node tests import the fake as 'electron' " +
    '(test/mocks/electron.ts), and renderer code never imports electron (it uses renderer/src/api.ts).',
);
