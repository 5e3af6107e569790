import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The design's import direction is enforced by eslint.config.js; these cases prove that a bad
// import is rejected where it is written and that the allowed direction stays clean.
// The snippets are not files of the TypeScript project, so type-aware rules are switched off here.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: [tseslint.configs.disableTypeChecked],
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('lint enforces the import rules of the design', () => {
  const cases: [string, string, RegExp][] = [
    [
      'shared/bad.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      /shared\/ must not use Node/,
    ],
    [
      'shared/bad.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
      /must not import electron/,
    ],
    [
      'shared/bad.ts',
      "import { createLogger } from '../electron/node/logger';\nexport const x = createLogger;\n",
      /electron\/\* code/,
    ],
    ['shared/bad.ts', 'export const x = process.env;\n', /process/],
    [
      'renderer/src/bad.ts',
      "import { createLogger } from '../../electron/node/logger';\nexport const x = createLogger;\n",
      /renderer\/ must not import electron\/\* code/,
    ],
    [
      'renderer/src/bad.ts',
      "import { spawn } from 'node:child_process';\nexport const x = spawn;\n",
      /renderer\/ must not use Node/,
    ],
    [
      'renderer/src/bad.ts',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      /must not import electron/,
    ],
    [
      'electron/node/bad.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
      /electron\/node must not import electron/,
    ],
    [
      'electron/node/bad.ts',
      "import { MainWindowService } from '../main/window';\nexport const x = MainWindowService;\n",
      /must not import main/,
    ],
    [
      'electron/cli/bad.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
      /electron\/cli must not import electron/,
    ],
    [
      'electron/main/bad.ts',
      "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
      /only electron\/main\/ipc.ts may register/,
    ],
    [
      'electron/preload/bad.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      /sandboxed preload must not use Node/,
    ],
  ];

  it.each(cases)('rejects a bad import in %s (%#)', async (file, code, message) => {
    const errors = await importErrors(file, code);
    expect(
      errors.some((e) => message.test(e)),
      errors.join('\n') || 'no import error',
    ).toBe(true);
  });

  const allowed: [string, string][] = [
    ['shared/ok.ts', "import { z } from 'zod';\nexport const x = z;\n"],
    [
      'renderer/src/ok.ts',
      "import type { AppInfo } from '../../shared/ipc/contract';\nexport type X = AppInfo;\n",
    ],
    [
      'electron/node/ok.ts',
      "import { readFileSync } from 'node:fs';\nimport { apiPath } from '../../shared/ipc/channels';\nexport const x = [readFileSync, apiPath];\n",
    ],
    [
      'electron/cli/ok.ts',
      "import { createLogger } from '../node/logger';\nexport const x = createLogger;\n",
    ],
    [
      'electron/main/ok.ts',
      "import { app } from 'electron';\nimport { createLogger } from '../node/logger';\nexport const x = [app, createLogger];\n",
    ],
    ['electron/main/ipc.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n"],
  ];

  it.each(allowed)('accepts the allowed direction in %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});
