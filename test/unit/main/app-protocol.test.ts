import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_PAGE_URL,
  appScheme,
  rendererFile,
  rendererHandler,
  rendererPageUrl,
} from '../../../electron/main/app-protocol';
import { contentSecurityPolicy } from '../../../electron/main/window-options';
import { net } from '../../mocks/electron';

// The window's pages come from the app's own scheme, served only from the built renderer folder:
// https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols

let dir: string;
let root: string;
const SECRET = 'secret outside the renderer folder';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sesame-protocol-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Sesame</title>');
  writeFileSync(join(root, 'assets', 'index-1a2b.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'index-1a2b.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  mkdirSync(join(dir, 'renderer-evil'));
  writeFileSync(join(dir, 'renderer-evil', 'x.js'), SECRET);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serve = (url: string) => rendererHandler(root, net.fetch)(new Request(url));

describe('the app scheme', () => {
  it('is a standard, secure scheme, and not CORS-enabled (nothing else may read it)', () => {
    expect(appScheme).toEqual({
      scheme: 'sesame',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
    expect(APP_PAGE_URL).toBe('sesame://app/index.html');
  });

  it('loads the dev server only when the app is not packaged, and only over http(s)', () => {
    expect(rendererPageUrl(false, 'http://localhost:5173/')).toBe('http://localhost:5173/');
    expect(rendererPageUrl(true, 'http://localhost:5173/')).toBe(APP_PAGE_URL);
    expect(rendererPageUrl(true, 'https://attacker.example/')).toBe(APP_PAGE_URL);
    expect(rendererPageUrl(false, undefined)).toBe(APP_PAGE_URL);
    expect(rendererPageUrl(false, '')).toBe(APP_PAGE_URL);
    expect(rendererPageUrl(false, 'file:///etc/passwd')).toBe(APP_PAGE_URL);
    expect(rendererPageUrl(false, 'not a url')).toBe(APP_PAGE_URL);
  });
});

describe('serving the renderer folder', () => {
  it('serves the page and its assets with their types and the CSP', async () => {
    const page = await serve('sesame://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<!doctype html><title>Sesame</title>');
    const script = await serve('sesame://app/assets/index-1a2b.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const style = await serve('sesame://app/assets/index-1a2b.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await (await serve('sesame://app/')).text()).toContain('<title>Sesame</title>');
  });

  it('answers 404 for a file that is not there', async () => {
    expect((await serve('sesame://app/assets/missing.js')).status).toBe(404);
    expect((await serve('sesame://app/assets')).status).toBe(404);
  });

  it.each([
    'sesame://app/..%2fsecret.txt',
    'sesame://app/assets/..%2f..%2fsecret.txt',
    'sesame://app/%2e%2e%2fsecret.txt',
    'sesame://app/..%5csecret.txt',
    'sesame://app/..%2frenderer-evil%2fx.js',
    'sesame://app/%2fetc%2fpasswd',
    'sesame://app/index.html%00.js',
    'sesame://app/%E0%A4%A',
    'sesame://other/index.html',
    'file:///etc/passwd',
  ])('never serves what is outside the renderer folder: %s', async (url) => {
    const response = await serve(url);
    expect([403, 404]).toContain(response.status);
    expect(await response.text()).not.toContain(SECRET);
  });

  it('says why a path is refused', () => {
    expect(rendererFile(root, 'sesame://app/assets/index-1a2b.js')).toEqual({
      ok: true,
      value: join(root, 'assets', 'index-1a2b.js'),
    });
    expect(rendererFile(root, 'sesame://app/..%2fsecret.txt')).toEqual({
      ok: false,
      error: 'sesame://app/..%2fsecret.txt is outside the renderer folder',
    });
    expect(rendererFile(root, 'sesame://app/..%5csecret.txt')).toEqual({
      ok: false,
      error: 'sesame://app/..%5csecret.txt holds a backslash or NUL',
    });
    expect(rendererFile(root, 'sesame://other/x')).toEqual({
      ok: false,
      error: 'sesame://other/x is not a page of sesame://app',
    });
  });

  it('refuses methods other than GET and HEAD', async () => {
    const handler = rendererHandler(root, net.fetch);
    const post = await handler(new Request(APP_PAGE_URL, { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});
