// The end-to-end test bridge: serves the built renderer and the preload API from the real
// electron/main services and electron/node engines (no Electron), so the window runs in a plain
// browser against real knocks. Started inside the test bed's client namespace.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import path from 'node:path';
import { createAppServices } from '../../../electron/main/app-services';
import { createHandlers } from '../../../electron/main/handlers';
import { callHandler } from '../../../electron/main/ipc-dispatch';
import { contentSecurityPolicy } from '../../../electron/main/window-options';
import { createLogger } from '../../../electron/node/logger';
import { userSshConfigPath } from '../../../electron/node/ssh-config-file';
import {
  availableTerminals,
  launchInTerminal,
  terminalInUse,
} from '../../../electron/node/terminal-launch';
import { requestChannelNames, type RequestChannel } from '../../../shared/ipc/channels';

/** Where the bridge keeps its state and finds the page. */
export interface BridgeOptions {
  stateDir: string;
  rendererDir: string;
  browserApiJs: string;
  /** The argv that runs the built `sesame` CLI: what "Use with ssh, scp and git" writes. */
  sesame: string[];
  port?: number;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

function jsonFile(file: string) {
  return {
    read: (): unknown => {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    write: (value: unknown) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`),
  };
}

/** Starts the bridge on 127.0.0.1; resolves with its URL. */
export async function startBridge(
  options: BridgeOptions,
): Promise<{ url: string; close(): void; openLink(link: string): boolean }> {
  fs.mkdirSync(options.stateDir, { recursive: true });
  const log = createLogger('bridge');
  const env = process.env;
  const services = createAppServices({
    appInfo: () => ({ name: 'Sesame', version: 'e2e-bridge', platform: process.platform }),
    profilePath: path.join(options.stateDir, 'profiles.json'),
    settingsStorage: jsonFile(path.join(options.stateDir, 'settings.json')),
    historyStorage: jsonFile(path.join(options.stateDir, 'history.json')),
    encryption: () => ({
      backend: 'none',
      secure: false,
      encrypted: false,
      warning:
        'Test bridge: there is no safeStorage outside Electron, so knock sequences are saved in plain text.',
    }),
    terminals: () => availableTerminals(process.platform, env),
    terminalInUse: (setting) => terminalInUse(setting, { platform: process.platform, env }),
    launchTerminal: (setting, argv) =>
      launchInTerminal(setting, argv, { platform: process.platform, env }),
    sshConfig: {
      file: () => userSshConfigPath(homedir()),
      sesame: () => options.sesame,
      platform: process.platform,
    },
    logger: (module) => createLogger(module),
  });
  const handlers = createHandlers(services);
  const clients = new Set<ServerResponse>();
  const broadcast = (event: string, payload: unknown) => {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const client of clients) client.write(data);
  };
  services.knocks.progress.add((e) => broadcast('knock:progress', e));
  services.knocks.finished.add((o) => broadcast('knock:finished', o));
  services.profiles.changed.add((v) => broadcast('profiles:changed', v));
  services.links.opened.add((v) => broadcast('links:opened', v));

  const csp = `${contentSecurityPolicy}; connect-src 'self'`;
  let origin = '';
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log.error(`${req.method ?? '?'} ${req.url ?? '?'}: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    if (req.headers.host !== new URL(origin).host) {
      res.writeHead(421).end();
      return;
    }
    if (url.pathname === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const channel = url.pathname.slice('/api/'.length);
      if (req.method !== 'POST' || req.headers.origin !== origin) {
        res.writeHead(403).end();
        return;
      }
      if (!(requestChannelNames as readonly string[]).includes(channel)) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        input?: unknown;
      };
      const result = await callHandler(channel as RequestChannel, handlers, body.input, (c, e) =>
        log.error(`${c}: ${String(e)}`),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/bridge/api.js') {
      res.writeHead(200, { 'content-type': types['.js'], 'content-security-policy': csp });
      res.end(fs.readFileSync(options.browserApiJs));
      return;
    }
    const relative =
      url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(options.rendererDir, relative);
    if (!file.startsWith(path.resolve(options.rendererDir) + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    let content: Buffer | string = fs.readFileSync(file);
    if (relative === 'index.html') {
      // The bridge's API goes in before the app's module script, as the preload would, and the
      // page's own CSP meta tag gets the one addition the bridge needs: fetch to itself.
      const html = content.toString('utf8');
      if (!html.includes(`content="${contentSecurityPolicy}"`))
        throw new Error('index.html does not carry the app CSP meta tag');
      content = html
        .replace(`content="${contentSecurityPolicy}"`, `content="${csp}"`)
        .replace('<script', '<script src="/bridge/api.js"></script>\n    <script');
    }
    res.writeHead(200, {
      'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'cache-control': 'no-store',
    });
    res.end(content);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('bridge: no address');
  origin = `http://127.0.0.1:${address.port}`;
  log.info(
    `serving ${options.rendererDir} at ${origin} (state ${options.stateDir}, run ${randomUUID()})`,
  );
  return {
    url: origin,
    // What the app does with a sesame:// link it is opened with (electron/main/desktop.ts).
    openLink: (link) => services.links.offer(link),
    close: () => {
      for (const c of clients) c.end();
      server.close();
    },
  };
}
