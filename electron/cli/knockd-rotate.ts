import {
  nextRenderDelay,
  readTemplate,
  realRotateDeps,
  renderOnce,
  type RotateDeps,
  type RotateTemplate,
} from '../node/knockd-rotate';
import { parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';

/** The help text of `sesame knockd-rotate`. */
export const knockdRotateUsage = `Usage: sesame knockd-rotate --template FILE --out FILE [--pidfile FILE] [--once]

Lets stock knockd serve rotating doors (docs/rotating-sequences.md). Reads a knockd.conf template
whose rotating doors use Rotating_Secret_File and its keys, and writes a knockd.conf in which each
becomes three plain doors (the previous, current and next step) with the same commands. The file
is written atomically, and knockd gets SIGHUP whenever the doors change (at every step boundary).
  --template FILE   the knockd.conf with rotating doors (sesame check-config reads it too)
  --out FILE        the knockd.conf knockd reads (e.g. /etc/knockd.conf; written with mode 0600)
  --pidfile FILE    knockd's pid file, to send it SIGHUP (knockd -d writes /var/run/knockd.pid)
  --once            render once and exit (otherwise: run in the foreground until TERM or INT)
HUP re-reads the template and the secret files (a bad one is logged and the running one kept).
Plain knockd cannot refuse a replay of an observed knock inside its three steps; sesame server can.
`;

const options = {
  template: { type: 'string' },
  out: { type: 'string' },
  pidfile: { type: 'string' },
  once: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Where the loop hears HUP, TERM and INT: the process, or a test's emitter. */
export interface SignalSource {
  on(signal: 'SIGHUP' | 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGHUP' | 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/** `sesame knockd-rotate`. */
export function knockdRotateCommand(
  deps: Omit<RotateDeps, 'log'> = realRotateDeps,
  signals: SignalSource = process,
) {
  return async (args: readonly string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseCommandArgs('knockd-rotate', args, options);
    if (values.help) {
      io.out(knockdRotateUsage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`knockd-rotate: unexpected argument "${positionals[0]}"`);
    const { template: templatePath, out, pidfile } = values;
    if (templatePath === undefined || out === undefined)
      throw new UsageError('knockd-rotate: --template FILE and --out FILE are required');
    const all: RotateDeps = { ...deps, log: (line) => io.out(`${line}\n`) };
    const template = readTemplate(templatePath, all);
    if (!template.ok) {
      io.err(`sesame: ${template.error}\n`);
      return 1;
    }
    const first = renderOnce(template.value, out, pidfile, Date.now(), all);
    if (!first.ok) {
      io.err(`sesame: ${first.error}\n`);
      return 1;
    }
    if (!first.value) all.log(`${out} is up to date`);
    if (values.once) return 0;
    return rotate(template.value, templatePath, out, pidfile, all, signals);
  };
}

/** The foreground loop: render after every step boundary until TERM or INT; HUP re-reads. */
function rotate(
  initial: RotateTemplate,
  templatePath: string,
  out: string,
  pidfile: string | undefined,
  deps: RotateDeps,
  signals: SignalSource,
): Promise<number> {
  return new Promise((resolve) => {
    let template = initial;
    let timer: NodeJS.Timeout | undefined;
    const render = () => {
      const done = renderOnce(template, out, pidfile, Date.now(), deps);
      if (!done.ok) deps.log(`${done.error} (trying again at the next step)`);
      schedule();
    };
    const schedule = () => {
      const wait = nextRenderDelay(template, Date.now());
      if (wait !== undefined) timer = setTimeout(render, wait);
    };
    const onHup = () => {
      const read = readTemplate(templatePath, deps);
      if (!read.ok) {
        deps.log(`${read.error} (keeping the previous template)`);
        return;
      }
      template = read.value;
      clearTimeout(timer);
      render();
    };
    const onTerm = () => {
      clearTimeout(timer);
      signals.off('SIGHUP', onHup);
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onTerm);
      resolve(0);
    };
    signals.on('SIGHUP', onHup);
    signals.on('SIGTERM', onTerm);
    signals.on('SIGINT', onTerm);
    if (nextRenderDelay(template, Date.now()) === undefined) {
      deps.log('the template has no rotating door: nothing to rotate');
      onTerm();
      return;
    }
    schedule();
  });
}
