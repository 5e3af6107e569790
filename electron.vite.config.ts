import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Main (ESM), the one preload (a single CommonJS file: sandboxed preloads cannot load modules,
// https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts) and the React renderer.
export default defineConfig({
  main: {
    build: {
      rolldownOptions: { input: { index: resolve('electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    build: {
      // One local file loaded from disk, never over a network; zod (the form's validation) is most of it.
      chunkSizeWarningLimit: 1000,
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
    plugins: [react()],
  },
});
