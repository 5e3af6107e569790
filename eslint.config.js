// Lint: typescript-eslint's type-aware rules plus the design's import direction
// (renderer -> shared; electron/main -> electron/node -> shared; electron/cli -> electron/node -> shared).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** An import restriction: `names` are module specifiers, `patterns` are gitignore-style globs. */
function restrictImports(message, { names = [], patterns = [], importNames } = {}) {
  return { message, names, patterns, importNames };
}

/** Builds one `no-restricted-imports` rule from restrictions (paths and patterns). */
function importRule(...restrictions) {
  const paths = [];
  const patterns = [];
  for (const r of restrictions) {
    for (const name of r.names) {
      paths.push(
        r.importNames
          ? { name, importNames: r.importNames, message: r.message }
          : { name, message: r.message },
      );
    }
    if (r.patterns.length) patterns.push({ group: r.patterns, message: r.message });
  }
  return ['error', { paths, patterns }];
}

const noNode = (who) =>
  restrictImports(`${who} must not use Node modules (see DESIGN.md).`, { names: nodeBuiltins });
const noElectron = (who) =>
  restrictImports(`${who} must not import electron; only electron/main does (see DESIGN.md).`, {
    names: ['electron'],
    patterns: ['electron/*'],
  });
const noRendererCode = (who) =>
  restrictImports(`${who} must not import the renderer (see DESIGN.md).`, {
    patterns: ['**/renderer/**'],
  });
const noElectronCode = (who) =>
  restrictImports(`${who} must not import electron/* code (see DESIGN.md).`, {
    patterns: ['**/electron/**', '../main/**', '../node/**', '../cli/**', '../preload/**'],
  });
const noReact = (who) =>
  restrictImports(`${who} must not import React (see DESIGN.md).`, {
    names: ['react', 'react-dom', 'react-dom/client'],
  });

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      'coverage/',
      'test-results/',
      '.ci/node/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': importRule(
        noNode('shared/'),
        noElectron('shared/'),
        noReact('shared/'),
        noRendererCode('shared/'),
        noElectronCode('shared/'),
      ),
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'process',
        'Buffer',
        'require',
        '__dirname',
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': importRule(
        noNode('renderer/'),
        noElectron('renderer/'),
        noElectronCode('renderer/'),
      ),
    },
  },
  {
    files: ['electron/node/**/*.ts'],
    rules: {
      'no-restricted-imports': importRule(
        noElectron('electron/node'),
        noReact('electron/node'),
        noRendererCode('electron/node'),
        restrictImports('electron/node must not import main, preload or cli (see DESIGN.md).', {
          patterns: ['**/main/**', '**/preload/**', '**/cli/**'],
        }),
      ),
    },
  },
  {
    files: ['electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': importRule(
        noElectron('electron/cli'),
        noReact('electron/cli'),
        noRendererCode('electron/cli'),
        restrictImports('electron/cli must not import main or preload (see DESIGN.md).', {
          patterns: ['**/main/**', '**/preload/**'],
        }),
      ),
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': importRule(
        noNode('the sandboxed preload'),
        noReact('the preload'),
        noRendererCode('the preload'),
        restrictImports('the preload imports only electron and shared/ (see DESIGN.md).', {
          patterns: ['**/main/**', '**/node/**', '**/cli/**'],
        }),
      ),
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/ipc.ts', 'electron/main/headless.ts'],
    rules: {
      'no-restricted-imports': importRule(
        noReact('electron/main'),
        noRendererCode('electron/main'),
        restrictImports('only electron/main/ipc.ts may register with ipcMain (see DESIGN.md).', {
          names: ['electron'],
          importNames: ['ipcMain'],
        }),
        restrictImports('electron/main must not import the CLI (see DESIGN.md).', {
          patterns: ['**/cli/**'],
        }),
      ),
    },
  },
  {
    // The headless entry hands the app binary's command line to the CLI (`--cli`, `--server`).
    files: ['electron/main/headless.ts'],
    rules: {
      'no-restricted-imports': importRule(
        noReact('electron/main'),
        noRendererCode('electron/main'),
        restrictImports('only electron/main/ipc.ts may register with ipcMain (see DESIGN.md).', {
          names: ['electron'],
          importNames: ['ipcMain'],
        }),
      ),
    },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.tsx'],
    rules: {
      'no-console': 'off',
    },
  },
);
