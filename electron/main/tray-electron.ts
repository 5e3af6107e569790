import { join } from 'node:path';
import type {
  MenuItemConstructorOptions,
  NativeImage,
  nativeImage as nativeImageType,
} from 'electron';
import type { TrayAction, TrayIconState, TrayItem } from './tray-menu';

/** Turns the tray menu model into Electron's menu. */
export function electronMenu<M>(
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): M },
  items: TrayItem[],
  click: (action: TrayAction) => void,
): M {
  return Menu.buildFromTemplate(items.map((item) => menuItem(item, click)));
}

function menuItem(item: TrayItem, click: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.type) {
    case 'separator':
      return { type: 'separator' };
    case 'submenu':
      return { label: item.label, submenu: item.items.map((i) => menuItem(i, click)) };
    case 'normal': {
      const action = item.action;
      return {
        label: item.label,
        enabled: item.enabled,
        ...(action ? { click: () => click(action) } : {}),
      };
    }
  }
}

/**
 * The tray icon per state, from the generated set in `assets/tray/` (`npm run icons`). macOS gets
 * template images (black with alpha) that the menu bar tints; other platforms the coloured ones.
 */
export function trayImagePaths(
  platform: string,
  root: string,
  nativeImage: Pick<typeof nativeImageType, 'createFromPath'>,
): Record<TrayIconState, NativeImage> {
  const dir = join(root, 'assets', 'tray');
  const file = (state: TrayIconState) =>
    platform === 'darwin'
      ? join(dir, `tray-${state === 'knocking' ? 'knocking' : 'idle'}Template.png`)
      : join(dir, `tray-${state}.png`);
  return {
    idle: nativeImage.createFromPath(file('idle')),
    knocking: nativeImage.createFromPath(file('knocking')),
    success: nativeImage.createFromPath(file('success')),
    failure: nativeImage.createFromPath(file('failure')),
  };
}
