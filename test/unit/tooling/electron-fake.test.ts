import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as electron from 'electron';

describe('the electron module in tests', () => {
  it('resolves to the typed fake', () => {
    expect(Reflect.get(electron, 'isSesameElectronFake')).toBe(true);
  });

  it('refuses the real module through require', () => {
    const require = createRequire(import.meta.url);
    expect(() => require('electron') as unknown).toThrow(
      /tried to load the real 'electron' module/,
    );
  });

  it('refuses deep imports of the real package', async () => {
    const deepImport = 'electron/index.js';
    await expect(import(/* @vite-ignore */ deepImport)).rejects.toThrow(
      /tried to load the real electron module/,
    );
  });
});
