// A stand-in for electron-builder's LinuxPackager with just what LinuxTargetHelper (desktop entry)
// and FpmTarget (deb/rpm install scripts) read, so tests run electron-builder's own code for them.
import { join } from 'node:path';
import type { Configuration } from 'app-builder-lib';

/** The package.json fields the Linux targets read. */
export interface PackageFields {
  name: string;
  description: string;
  desktopName: string;
}

/** A fake LinuxPackager for `config`, writing electron-builder's temp files under `tempDir`. */
export function fakeLinuxPackager(config: Configuration, pkg: PackageFields, tempDir: string) {
  const productName = config.productName ?? pkg.name;
  let files = 0;
  return {
    config,
    platformSpecificBuildOptions: config.linux ?? {},
    executableName: config.linux?.executableName ?? pkg.name,
    projectDir: process.cwd(),
    fileAssociations: [],
    appInfo: {
      productName,
      sanitizedProductName: productName,
      productFilename: productName,
      description: pkg.description,
    },
    info: {
      metadata: { desktopName: pkg.desktopName },
      tempDirManager: {
        getTempFile: ({ suffix }: { suffix?: string }) =>
          Promise.resolve(join(tempDir, `builder-${++files}-${suffix ?? 'file'}`)),
      },
    },
  };
}
