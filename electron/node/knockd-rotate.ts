import { readFileSync } from 'node:fs';
import { errorMessage, type Parsed } from '../../shared/basics';
import {
  describeConfigError,
  parseKnockdConfig,
  writeKnockdConfig,
  type KnockdConfig,
} from '../../shared/knockd/config';
import { msToNextRender, renderRotatingDoors } from '../../shared/knockd/rotating-render';
import { writeFileAtomic } from './atomic-file';
import { hmacSha256 } from './hmac';
import { readSecretFile } from './rotating-secret';

/** A template read with its rotating doors' secrets. */
export interface RotateTemplate {
  config: KnockdConfig;
  secrets: Map<string, Uint8Array>;
}

/** What knockd-rotate touches; tests pass fakes. */
export interface RotateDeps {
  readText(path: string): string;
  readSecret(path: string): Parsed<Uint8Array>;
  write(path: string, text: string): void;
  /** Sends SIGHUP to the pid a pid file names; the pid, or why not. */
  hangUp(pidFile: string): Parsed<number>;
  log(line: string): void;
}

const code = (error: unknown) => (error as { code?: string }).code ?? errorMessage(error);

/** The real files and signals. */
export const realRotateDeps: Omit<RotateDeps, 'log'> = {
  readText: (path) => readFileSync(path, 'utf8'),
  readSecret: (path) => readSecretFile(path),
  write: (path, text) => writeFileAtomic(path, text, { mode: 0o600 }),
  hangUp: (pidFile) => {
    let text: string;
    try {
      text = readFileSync(pidFile, 'utf8');
    } catch (error) {
      return { ok: false, error: `cannot read pid file ${pidFile}: ${code(error)}` };
    }
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 1) {
      return { ok: false, error: `pid file ${pidFile} does not hold a process id` };
    }
    try {
      process.kill(pid, 'SIGHUP');
      return { ok: true, value: pid };
    } catch (error) {
      return { ok: false, error: `cannot signal knockd (pid ${pid}): ${code(error)}` };
    }
  },
};

/** Reads and checks the template and its secret files; the error names the file (and line). */
export function readTemplate(path: string, deps: RotateDeps): Parsed<RotateTemplate> {
  let text: string;
  try {
    text = deps.readText(path);
  } catch (error) {
    return { ok: false, error: `cannot read template ${path}: ${code(error)}` };
  }
  const parsed = parseKnockdConfig(text);
  if (!parsed.ok) return { ok: false, error: describeConfigError(parsed, path) };
  const secrets = new Map<string, Uint8Array>();
  for (const door of parsed.value.doors) {
    const file = door.rotating?.secretFile;
    if (file === undefined || secrets.has(file)) continue;
    const secret = deps.readSecret(file);
    if (!secret.ok) return { ok: false, error: `door ${door.name}: ${secret.error}` };
    secrets.set(file, secret.value);
  }
  return { ok: true, value: { config: parsed.value, secrets } };
}

/**
 * Renders the template for `nowMs` and, when the text differs from what `out` holds, writes it
 * atomically and sends knockd SIGHUP (when a pid file is given). Returns whether it wrote.
 */
export function renderOnce(
  template: RotateTemplate,
  out: string,
  pidFile: string | undefined,
  nowMs: number,
  deps: RotateDeps,
): Parsed<boolean> {
  const text = `# Written by sesame knockd-rotate from a template; edits here are overwritten.\n${writeKnockdConfig(
    renderRotatingDoors(template.config, hmacSha256, template.secrets, nowMs),
  )}`;
  let old: string | undefined;
  try {
    old = deps.readText(out);
  } catch {
    old = undefined;
  }
  if (old === text) return { ok: true, value: false };
  try {
    deps.write(out, text);
  } catch (error) {
    return { ok: false, error: `cannot write ${out}: ${code(error)}` };
  }
  if (pidFile !== undefined) {
    const hung = deps.hangUp(pidFile);
    deps.log(
      hung.ok
        ? `wrote ${out}; sent SIGHUP to knockd (pid ${hung.value})`
        : `wrote ${out}; knockd not told: ${hung.error}`,
    );
  } else {
    deps.log(`wrote ${out}`);
  }
  return { ok: true, value: true };
}

/** When to render next: just after the next step boundary of any rotating door. */
export function nextRenderDelay(template: RotateTemplate, nowMs: number): number | undefined {
  const wait = msToNextRender(template.config, nowMs);
  return wait === undefined ? undefined : wait + 5;
}
