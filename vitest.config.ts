import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Node projects get the typed fake for `electron` and an error for any deep import of the package.
const electronFake = [
  { find: /^electron$/, replacement: here('test/mocks/electron.ts') },
  { find: /^electron\/.*$/, replacement: here('test/mocks/electron-forbidden.ts') },
];

// Three projects: unit (node, electron faked), component (jsdom + Testing Library) and the root-only
// integration tier (network namespaces, real knockd), which runs its files one at a time.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: electronFake },
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: [here('test/support/no-real-electron.ts')],
          // electron-store imports `electron` itself: inlined, its import gets the fake too.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        plugins: [react()],
        resolve: {
          alias: [
            { find: /^electron(\/.*)?$/, replacement: here('test/mocks/electron-forbidden.ts') },
          ],
        },
        test: {
          name: 'component',
          environment: 'jsdom',
          include: ['test/component/**/*.test.tsx'],
          setupFiles: [here('test/support/component-setup.ts')],
        },
      },
      {
        resolve: { alias: electronFake },
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: [here('test/support/no-real-electron.ts')],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Root only: the built renderer in Chromium against the test bridge and the test bed.
        resolve: { alias: electronFake },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: [here('test/support/no-real-electron.ts')],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
