// The app's own scheme: the window's pages are `sesame://app/...`, served from the built renderer
// folder only, never from file:// (Electron's security checklist, item 18:
// https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomScheme, Protocol } from 'electron';
import type { Parsed } from '../../shared/basics';
import { contentSecurityPolicy } from './window-options';

const SCHEME = 'sesame';
const HOST = 'app';

/** The origin of the app's pages, the one origin whose main frame may use the IPC API. */
export const APP_ORIGIN = `${SCHEME}://${HOST}`;

/** The window's page when it is not the dev server. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * The scheme's privileges, registered before ready: standard (relative URLs and a real origin for
 * `'self'` in the CSP), secure (a secure context, like https), supportFetchAPI. Not corsEnabled, so
 * no other origin can read it; the page's own module scripts are same-origin.
 */
export const appScheme: CustomScheme = {
  scheme: SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/**
 * The page the window loads: electron-vite's dev server (ELECTRON_RENDERER_URL) only while the app
 * is not packaged and only an http(s) URL; the app's own page otherwise. A packaged app never
 * takes its page, and with it the full API, from the environment.
 */
export function rendererPageUrl(isPackaged: boolean, devServerUrl: string | undefined): string {
  if (isPackaged || devServerUrl === undefined || !URL.canParse(devServerUrl)) return APP_PAGE_URL;
  const { protocol } = new URL(devServerUrl);
  return protocol === 'http:' || protocol === 'https:' ? devServerUrl : APP_PAGE_URL;
}

/** `scheme://host[:port]` of a URL (also for custom schemes, whose WHATWG origin is "null"). */
export function originOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.host === '' ? undefined : `${parsed.protocol}//${parsed.host}`;
}

/**
 * The file inside `root` (the built renderer folder) that `url` names, or why there is none: not
 * our scheme and host, a backslash or NUL, or a path that leaves the folder once decoded.
 */
export function rendererFile(root: string, url: string): Parsed<string> {
  if (originOf(url) !== APP_ORIGIN)
    return { ok: false, error: `${url} is not a page of ${APP_ORIGIN}` };
  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(url).pathname);
  } catch {
    return { ok: false, error: `${url} is not a valid path` };
  }
  if (/[\\\0]/.test(decoded)) return { ok: false, error: `${url} holds a backslash or NUL` };
  const file = path.join(root, decoded === '/' ? 'index.html' : decoded);
  const inside = path.relative(root, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside))
    return { ok: false, error: `${url} is outside the renderer folder` };
  return { ok: true, value: file };
}

/** The files served, by extension, with their types (module scripts need a JavaScript type). */
const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Fetches a file: URL (Electron's net.fetch in the app). */
export type FetchFile = (fileUrl: string) => Promise<Response>;

/** The protocol handler: GET and HEAD of files inside `root`, with their type and the CSP. */
export function rendererHandler(root: string, fetchFile: FetchFile) {
  return async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('only GET and HEAD', { status: 405 });
    const file = rendererFile(root, request.url);
    if (!file.ok) return new Response(file.error, { status: 403 });
    // Only the kinds of file a renderer build holds: never a folder (Chromium would list it).
    const type = contentTypes[path.extname(file.value).toLowerCase()];
    if (type === undefined) return new Response(`${request.url} is not there`, { status: 404 });
    let fetched: Response;
    try {
      fetched = await fetchFile(pathToFileURL(file.value).href);
    } catch {
      return new Response(`${request.url} is not there`, { status: 404 });
    }
    if (!fetched.ok) return new Response(`${request.url} is not there`, { status: 404 });
    return new Response(request.method === 'HEAD' ? null : fetched.body, {
      headers: {
        'Content-Type': type,
        'Content-Security-Policy': contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}

/** Before ready: makes the app scheme standard and secure (Electron allows this once). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([appScheme]);
}

/** Once ready: serves the app scheme from `root` through `fetchFile`. */
export function serveAppScheme(
  protocol: Pick<Protocol, 'handle'>,
  root: string,
  fetchFile: FetchFile,
): void {
  protocol.handle(SCHEME, rendererHandler(root, fetchFile));
}
