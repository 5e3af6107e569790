// electron-builder configuration: the Linux (AppImage, deb, rpm), macOS (dmg) and Windows (nsis)
// installers. Used as `electron-builder --config electron-builder.config.ts` by the `dist*` scripts;
// test/unit/packaging/builder-config.test.ts validates it with electron-builder's own schema.
// Reference: https://www.electron.build/configuration
import type { Configuration } from 'electron-builder';

/**
 * deb and rpm refuse to build without a maintainer address and a project URL. Sesame has no public
 * home yet, so these use the reserved `.invalid` domain (RFC 2606): set real ones before publishing.
 */
const maintainer = 'Sesame contributors <maintainers@sesame.invalid>';
const homepage = 'https://sesame.invalid/';

/** electron-builder's own deb dependencies (app-builder-lib FpmTarget); `depends` replaces them. */
const debDefaults = [
  'libgtk-3-0',
  'libnotify4',
  'libnss3',
  'libxss1',
  'libxtst6',
  'xdg-utils',
  'libatspi2.0-0',
  'libuuid1',
  'libsecret-1-0',
];
/** The same for rpm. */
const rpmDefaults = [
  'gtk3',
  'libnotify',
  'nss',
  'libXScrnSaver',
  '(libXtst or libXtst6)',
  'xdg-utils',
  'at-spi2-core',
  '(libuuid or libuuid1)',
];

/**
 * The native modules (`sesame-capture`, native/capture, for server capture; `raw-socket` for crafted
 * TCP knocks).
 */
const nativeModules = [
  '**/node_modules/sesame-capture/**',
  '**/node_modules/raw-socket/**',
  '**/*.node',
];

/**
 * The 1024 px app icon (`npm run icons`), for macOS and Windows: electron-builder converts a PNG to
 * the .icns and .ico they need (at least 512 and 256 px) with its icon tool, downloaded at packaging
 * like Electron (https://www.electron.build/icons).
 */
const appIcon = 'assets/icon.png';

/** The whole installer configuration (exported for the schema test). */
const config: Configuration = {
  appId: 'org.sesameknock.Sesame',
  productName: 'Sesame',
  copyright: 'Copyright © Sesame contributors',
  extraMetadata: { homepage },
  directories: { output: 'dist', buildResources: 'build' },

  // The app is the electron-vite build plus package.json; production node_modules come along
  // (electron-store, zod and the optional native modules). Source maps stay out.
  files: ['package.json', 'out/main/**', 'out/preload/**', 'out/renderer/**', '!**/*.map'],
  // Outside the asar, under process.resourcesPath: the tray images and window icons
  // (electron/main/tray-electron.ts), and the `sesame` command wrappers (build/bin/).
  extraResources: [
    { from: 'assets/tray', to: 'assets/tray' },
    { from: 'assets/icons', to: 'assets/icons' },
  ],
  asar: true,
  asarUnpack: nativeModules,
  // Rebuild raw-socket against Electron's headers (@electron/rebuild) before packing; the capture
  // addon is Node-API, whose one build loads in Node and Electron alike.
  npmRebuild: true,
  nativeRebuilder: 'sequential',

  // Flipped by electron-builder right after afterPack, before signing:
  // https://www.electronjs.org/docs/latest/tutorial/fuses
  electronFuses: {
    runAsNode: false, // ELECTRON_RUN_AS_NODE ignored: the binary is never a plain Node
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS and NODE_EXTRA_CA_CERTS ignored
    enableNodeCliInspectArguments: false, // --inspect and SIGUSR1 ignored
    enableEmbeddedAsarIntegrityValidation: true, // macOS and Windows check app.asar's hash
    onlyLoadAppFromAsar: true,
    // file:// pages get no more than a browser gives them: the window loads sesame://app
    // (electron/main/app-protocol.ts), never file://.
    grantFileProtocolExtraPrivileges: false,
  },

  // sesame://rotating provisioning links open the app (electron/main/provisioning-links.ts):
  // Info.plist's CFBundleURLTypes on macOS, MimeType=x-scheme-handler/sesame in the .desktop entry on
  // Linux; the app also claims the scheme itself at start (setAsDefaultProtocolClient).
  protocols: [{ name: 'Sesame provisioning link', schemes: ['sesame'] }],

  linux: {
    target: ['AppImage', 'deb', 'rpm'],
    executableName: 'sesame',
    icon: 'assets/icons',
    category: 'Network',
    synopsis: 'Port knocking: knock, check the door, start ssh',
    maintainer,
    vendor: 'Sesame contributors',
    // The .desktop entry: electron-builder writes Name (productName), Comment (the description),
    // Exec (/opt/Sesame/sesame %U), Icon (sesame, from the icon set above), Categories (category)
    // and StartupWMClass. syncDesktopName names the file after package.json's desktopName, which
    // Electron also uses as the window's app id, so the window is matched to its launcher.
    syncDesktopName: true,
    desktop: { entry: { Keywords: 'knock;port;ssh;knockd;' } },
    extraResources: [{ from: 'build/bin', to: 'bin', filter: ['sesame'] }],
  },
  deb: {
    depends: [...debDefaults, 'libpcap0.8 | libpcap0.8t64'],
    afterInstall: 'build/linux/after-install.sh',
    afterRemove: 'build/linux/after-remove.sh',
  },
  rpm: {
    depends: [...rpmDefaults, 'libpcap'],
    afterInstall: 'build/linux/after-install.sh',
    afterRemove: 'build/linux/after-remove.sh',
  },

  mac: {
    target: [{ target: 'dmg', arch: ['arm64', 'x64'] }],
    icon: appIcon,
    category: 'public.app-category.utilities',
    extraResources: [{ from: 'build/bin', to: 'bin', filter: ['sesame'] }],
  },
  dmg: { title: 'Sesame ${version}' },

  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: appIcon,
    extraResources: [{ from: 'build/bin', to: 'bin', filter: ['sesame.cmd'] }],
  },
  nsis: {
    oneClick: false,
    allowToChangeInstallationDirectory: true,
    createStartMenuShortcut: true,
    shortcutName: 'Sesame',
  },
};

export default config;
