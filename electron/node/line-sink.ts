import type { Writable } from 'node:stream';

/** How a sink behaves when its stream falls behind, and where its stream's errors go. */
export interface LineSinkOptions {
  /** Bytes of lines held while the stream asks to wait; lines past this are counted and dropped. */
  maxPendingBytes: number;
  /** The line written first once the stream takes lines again, saying how many were dropped. */
  droppedLine: (count: number) => string;
  /** The stream failed: the sink stops using it. */
  onError: (error: Error) => void;
}

/**
 * Lines for one log destination (the log file, syslog's pipe), written together and only when the
 * stream takes more: after a `write` that returns false it waits for `drain`, holding at most
 * `maxPendingBytes` meanwhile, so a slow disk costs dropped lines (counted, then logged) rather
 * than unbounded memory. The stream can be swapped (`use`) for a reopened log file.
 */
export class LineSink {
  #stream: Writable | undefined;
  #lines: string[] = [];
  #bytes = 0;
  #dropped = 0;
  #waiting = false;

  constructor(private readonly options: LineSinkOptions) {}

  /** Writes to `stream` from now on (undefined: nowhere); the previous stream is ended. */
  use(stream: Writable | undefined): void {
    const previous = this.#stream;
    this.#stream = stream;
    this.#waiting = false;
    previous?.end();
    if (!stream) return;
    stream.on('error', (error: Error) => {
      if (this.#stream !== stream) return;
      this.#stream = undefined;
      this.options.onError(error);
    });
    this.flush();
  }

  /** Queues one line (with its newline); dropped and counted if the backlog is full. */
  push(line: string): void {
    if (!this.#stream) return;
    if (this.#bytes + line.length > this.options.maxPendingBytes) {
      this.#dropped += 1;
      return;
    }
    this.#lines.push(line);
    this.#bytes += line.length;
  }

  /** Writes the queued lines in one write, unless the stream asked to wait for `drain`. */
  flush(): void {
    const stream = this.#stream;
    if (!stream || this.#waiting) return;
    const text = this.#take();
    if (text === '') return;
    if (!stream.write(text)) {
      this.#waiting = true;
      stream.once('drain', () => {
        if (this.#stream !== stream) return;
        this.#waiting = false;
        this.flush();
      });
    }
  }

  /** Writes what is queued, whatever the backpressure, and ends the stream. */
  end(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (!stream) return Promise.resolve();
    const text = this.#take();
    return new Promise((resolve) => {
      stream.once('error', () => {
        resolve();
      });
      const done = () => {
        resolve();
      };
      if (text === '') stream.end(done);
      else stream.end(text, done);
    });
  }

  #take(): string {
    const note = this.#dropped > 0 ? this.options.droppedLine(this.#dropped) : '';
    const text = note + this.#lines.join('');
    this.#lines = [];
    this.#bytes = 0;
    this.#dropped = 0;
    return text;
  }
}
