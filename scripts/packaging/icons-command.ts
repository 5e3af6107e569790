// `npm run icons`: renders the icon set in assets/ from its SVG sources; `npm run icons -- --check`
// only compares, and exits 1 naming each file that is missing, stale or different from its source.
// scripts/icons.mjs bundles this file and calls runIcons with nodeIconsDeps.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  compareIconFile,
  GENERATED_FOLDERS,
  ICON_OUTPUTS,
  ICON_SOURCES,
  renderIconSet,
  type IconSource,
  type Rasterize,
} from './icon-set';
import { rasterizeSvg } from './rasterize';

/** What the command touches, passed in so tests can run it on a copy or with fakes. */
export interface IconsDeps {
  /** The folder holding the sources and the generated files (the project's assets/). */
  assetsDir: string;
  readFile: (path: string) => Buffer | undefined;
  writeFile: (path: string, data: Buffer) => void;
  removeFile: (path: string) => void;
  listFiles: (dir: string) => string[];
  rasterize: Rasterize;
  out: (text: string) => void;
  err: (text: string) => void;
}

const USAGE = 'usage: npm run icons [-- --check]\n';

/** Runs `npm run icons [-- --check]` and returns the exit code. */
export function runIcons(args: readonly string[], deps: IconsDeps): number {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    deps.err(`icons: unknown argument ${unknown.join(' ')}\n${USAGE}`);
    return 1;
  }
  const check = args.includes('--check');
  const sources = {} as Record<IconSource, string>;
  for (const name of ICON_SOURCES) {
    const svg = deps.readFile(join(deps.assetsDir, `${name}.svg`));
    if (!svg) {
      deps.err(`icons: the source ${join(deps.assetsDir, `${name}.svg`)} is missing\n`);
      return 1;
    }
    sources[name] = svg.toString('utf8');
  }
  const files = renderIconSet(sources, deps.rasterize);
  const stale = GENERATED_FOLDERS.flatMap((folder) =>
    deps
      .listFiles(join(deps.assetsDir, folder))
      .map((file) => `${folder}/${file}`)
      .filter((path) => !files.has(path)),
  );
  const problems: string[] = [];
  let written = 0;
  for (const output of ICON_OUTPUTS) {
    const fresh = files.get(output.path);
    if (!fresh) continue;
    const target = join(deps.assetsDir, output.path);
    const committed = deps.readFile(target);
    const problem = committed
      ? compareIconFile(output.path, fresh, committed)
      : `assets/${output.path} is missing`;
    if (!problem) continue;
    if (check) {
      problems.push(problem);
    } else {
      deps.writeFile(target, fresh.asPng());
      written += 1;
    }
  }
  for (const path of stale) {
    if (check) problems.push(`assets/${path} is not generated from any source (stale?)`);
    else deps.removeFile(join(deps.assetsDir, path));
  }
  if (check) {
    if (problems.length > 0) {
      deps.err(
        `icons: ${problems.length} file(s) do not match the SVG sources; run npm run icons\n` +
          problems.map((p) => `  ${p}\n`).join(''),
      );
      return 1;
    }
    deps.out(`icons: all ${ICON_OUTPUTS.length} files match their SVG sources\n`);
    return 0;
  }
  deps.out(
    `icons: ${written} written, ${ICON_OUTPUTS.length - written} already up to date` +
      (stale.length > 0 ? `, ${stale.length} stale removed` : '') +
      '\n',
  );
  return 0;
}

/** The real file system and resvg, for scripts/icons.mjs. */
export function nodeIconsDeps(assetsDir: string): IconsDeps {
  return {
    assetsDir,
    readFile: (path) => (existsSync(path) ? readFileSync(path) : undefined),
    writeFile: (path, data) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    },
    removeFile: (path) => {
      rmSync(path, { force: true });
    },
    listFiles: (dir) =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => entry.name)
        : [],
    rasterize: rasterizeSvg,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}
