// A small typed fake of the `electron` module for the node test project (vitest aliases `electron`
// here). It grows with what main-process services use; each fake records what it was asked to do.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  IpcMainInvokeEvent,
  Net,
  Protocol,
} from 'electron';

/** Marks the fake so a test can prove that `electron` resolved here and not to the real module. */
export const isSesameElectronFake = true;

type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** Records `ipcMain.handle` registrations; tests call `invoke` to play the renderer's part. */
class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }

  /** electron-store registers a synchronous channel for renderers; recorded, never used. */
  readonly listeners = new Map<string, unknown>();

  on(channel: string, listener: unknown): this {
    this.listeners.set(channel, listener);
    return this;
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return await handler(event, ...args);
  }
}

/** A frame (WebFrameMain): the main frame's `url` follows what its window loads; a test may set
 * it to play a navigation. `parent` is null for a main frame. */
class FakeWebFrameMain {
  constructor(
    public url = '',
    readonly parent: FakeWebFrameMain | null = null,
  ) {}
}

/** The parts of a WebContents the app touches. */
class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeWebFrameMain();
  readonly sent: { channel: string; payload: unknown }[] = [];

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

/** Records construction options and what was loaded; never opens anything. */
class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: { file?: string; url?: string } = {};
  visible = false;
  destroyed = false;
  minimized = false;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    FakeBrowserWindow.created.push(this);
  }

  loadFile(file: string): Promise<void> {
    this.loaded = { file };
    this.webContents.mainFrame.url = pathToFileURL(file).href;
    return Promise.resolve();
  }

  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
  }

  hide(): void {
    this.visible = false;
  }

  /** Plays the user closing the window; returns whether the close went ahead. */
  userClose(): boolean {
    const state = { prevented: false };
    this.emit('close', { preventDefault: () => (state.prevented = true) });
    if (!state.prevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return !state.prevented;
  }

  focus(): void {}

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** The app object: name, version, lifecycle events. */
class FakeApp extends EventEmitter {
  name = 'Sesame';
  version = '0.0.0-test';
  quitCalls = 0;

  getName(): string {
    return this.name;
  }

  getVersion(): string {
    return this.version;
  }

  /** electron-store asks for userData; tests that use it pass an absolute cwd as well. */
  readonly paths = new Map<string, string>([
    ['userData', '/nonexistent/fake-userData'],
    ['home', '/nonexistent/fake-home'],
  ]);
  isPackaged = false;
  /** What `app.getAppPath()` answers: the app folder Electron was started with. */
  appPath = '/nonexistent/fake-app';

  getAppPath(): string {
    return this.appPath;
  }

  getPath(name: string): string {
    const value = this.paths.get(name);
    if (!value) throw new Error(`fake app.getPath: no path for ${name}`);
    return value;
  }

  exitCodes: number[] = [];

  exit(code = 0): void {
    this.exitCodes.push(code);
  }

  private ready = false;

  /** Ready comes a tick after the first `whenReady()`, so code run before it is "before ready". */
  whenReady(): Promise<void> {
    return Promise.resolve().then(() => {
      this.ready = true;
    });
  }

  isReady(): boolean {
    return this.ready;
  }

  requestSingleInstanceLock(): boolean {
    return true;
  }

  /** The URL schemes this app was made the handler of. */
  readonly protocolClients = new Set<string>();

  isDefaultProtocolClient(scheme: string): boolean {
    return this.protocolClients.has(scheme);
  }

  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.add(scheme);
    return true;
  }

  quit(): void {
    this.quitCalls += 1;
  }
}

/** Records what the preload exposed to the page. */
class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
  }
}

/** Records the renderer's invocations (channel and argument). */
class FakeIpcRenderer extends EventEmitter {
  readonly calls: { channel: string; args: unknown[] }[] = [];

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.calls.push({ channel, args });
    return Promise.resolve({ ok: true, value: undefined });
  }
}

/** safeStorage with a switchable backend; "encryption" is hex behind a marker, enough to see it used. */
class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): string {
    return this.backend;
  }

  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    return Buffer.from(`fake-sealed:${Buffer.from(plain).toString('hex')}`);
  }

  decryptString(sealed: Buffer): string {
    const text = sealed.toString();
    if (!text.startsWith('fake-sealed:')) throw new Error('Error while decrypting the ciphertext');
    return Buffer.from(text.slice('fake-sealed:'.length), 'hex').toString();
  }
}

/** A tray icon: records its image, tooltip and menu; `click()` plays a click on the icon. */
class FakeTray extends EventEmitter {
  static readonly created: FakeTray[] = [];
  image: unknown;
  tooltip = '';
  menu: FakeMenu | undefined;
  destroyed = false;

  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.created.push(this);
  }

  setImage(image: unknown): void {
    this.image = image;
  }

  setToolTip(text: string): void {
    this.tooltip = text;
  }

  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: FakeMenuItem[];
}

/** A menu built from a template; `item('lab', 'Open')` finds an item by its label path. */
class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}

  static buildFromTemplate(template: FakeMenuItem[]): FakeMenu {
    return new FakeMenu(template);
  }

  item(...path: string[]): FakeMenuItem | undefined {
    let items: FakeMenuItem[] | undefined = this.items;
    let found: FakeMenuItem | undefined;
    for (const label of path) {
      found = items?.find((i) => i.label?.startsWith(label));
      items = found?.submenu;
    }
    return found;
  }
}

/** Desktop notifications: recorded instead of shown. */
class FakeNotification {
  static readonly shown: { title?: string; body?: string }[] = [];
  static supported = true;

  constructor(readonly options: { title?: string; body?: string }) {}

  static isSupported(): boolean {
    return FakeNotification.supported;
  }

  show(): void {
    FakeNotification.shown.push(this.options);
  }
}

/** The default session's security hooks, recorded. */
class FakeSession {
  permissionRequestHandler: unknown;
  permissionCheckHandler: unknown;
  headersHandler: unknown;
  readonly webRequest = {
    onHeadersReceived: (handler: unknown) => {
      this.headersHandler = handler;
    },
  };

  setPermissionRequestHandler(handler: unknown): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: unknown): void {
    this.permissionCheckHandler = handler;
  }
}

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/**
 * The protocol module: privileged schemes (once, before ready, as Electron demands) and handlers.
 * `request(url)` plays a page of the window requesting `url` from a handled scheme.
 */
class FakeProtocol {
  privileged: CustomScheme[] | undefined;
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void {
    if (app.isReady()) throw new Error('registerSchemesAsPrivileged must be called before ready');
    if (this.privileged) throw new Error('registerSchemesAsPrivileged can be called only once');
    this.privileged = customSchemes;
  }

  handle(scheme: string, handler: ProtocolHandler): void {
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }

  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }

  async request(url: string): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME: ${url}`);
    return await handler(new Request(url));
  }
}

/** net.fetch for file: URLs only (what the app asks of it), failing as Chromium's loader does. */
async function fakeNetFetch(
  input: string | Request,
  _init?: RequestInit & { bypassCustomProtocolHandlers?: boolean },
): Promise<Response> {
  const url = typeof input === 'string' ? input : input.url;
  if (!url.startsWith('file:'))
    throw new Error(`fake net.fetch serves only file: URLs, not ${url}`);
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    throw new Error(`net::ERR_FILE_NOT_FOUND: ${url}`);
  }
}

export const app = new FakeApp();
export const safeStorage = new FakeSafeStorage();
export const ipcMain = new FakeIpcMain();
export const ipcRenderer = new FakeIpcRenderer();
export const contextBridge = new FakeContextBridge();
export const BrowserWindow = FakeBrowserWindow;
export const Tray = FakeTray;
export const Menu = FakeMenu;
export const Notification = FakeNotification;
export const nativeImage = { createFromPath: (path: string) => ({ path }) };
export const session = { defaultSession: new FakeSession() };
export const protocol = new FakeProtocol() satisfies Pick<
  Protocol,
  'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'
>;
export const net = { fetch: fakeNetFetch } satisfies Pick<Net, 'fetch'>;
export {
  FakeProtocol,
  FakeWebFrameMain,
  FakeBrowserWindow,
  FakeIpcMain,
  FakeWebContents,
  FakeContextBridge,
  FakeIpcRenderer,
  FakeSafeStorage,
  FakeTray,
  FakeMenu,
  FakeNotification,
};

export default {
  app,
  ipcMain,
  ipcRenderer,
  contextBridge,
  BrowserWindow,
  safeStorage,
  Tray,
  Menu,
  Notification,
  nativeImage,
  session,
  protocol,
  net,
  isSesameElectronFake,
};
