// A virtual X display (Xvfb) in the test bed's client namespace, for a real terminal the app starts:
// its number, a screenshot of the whole screen, and keys typed as a user would (XTEST, so xterm
// takes them: it ignores synthetic XSendEvent keys).
import type { ChildProcess } from 'node:child_process';
import { requireCommand, terminate } from '../../support/processes';
import type { TestBed } from '../../support/testbed';

/** A running Xvfb and what the test does on its screen. */
export interface XDisplay {
  /** `:N`, for DISPLAY. */
  readonly name: string;
  /** Saves the whole screen as a PNG. */
  screenshot(file: string): Promise<void>;
  /** Moves the pointer to (x, y), so the window there takes the keyboard (no window manager). */
  pointAt(x: number, y: number): Promise<void>;
  /** Types text and presses Return. */
  typeLine(text: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Xvfb on a free display number (it picks one and says which with -displayfd). */
export async function startXDisplay(bed: TestBed): Promise<XDisplay> {
  const xvfb = requireCommand('Xvfb');
  const xdotool = requireCommand('xdotool');
  const importer = requireCommand('import');
  const child: ChildProcess = bed.spawn(bed.client, [
    xvfb,
    '-displayfd',
    '1',
    '-screen',
    '0',
    '800x480x24',
    '-nolisten',
    'tcp',
  ]);
  let said = '';
  const name = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Xvfb gave no display within 10 s: ${said}`)),
      10_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const found = /^(\d+)\n/.exec(said);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(`:${found[1]}`);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${String(code)}): ${said}`));
    });
  });
  const onScreen = async (argv: string[]) => {
    const result = await bed.run(bed.client, ['env', `DISPLAY=${name}`, ...argv]);
    if (result.code !== 0)
      throw new Error(`${argv.join(' ')} exited ${String(result.code)}: ${result.stderr}`);
  };
  return {
    name,
    screenshot: (file) => onScreen([importer, '-window', 'root', file]),
    pointAt: (x, y) => onScreen([xdotool, 'mousemove', String(x), String(y)]),
    typeLine: async (text) => {
      await onScreen([xdotool, 'type', '--delay', '30', text]);
      await onScreen([xdotool, 'key', 'Return']);
    },
    stop: () => terminate(child),
  };
}
