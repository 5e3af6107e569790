import { constants } from 'node:os';

/** The signals that end a terminal session: the terminal closed, a kill, Ctrl-C. */
export const SESSION_SIGNALS = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;

/** A session signal. */
export type SessionSignal = (typeof SESSION_SIGNALS)[number];

/** Where signals come from: the process, or a fake in tests. */
export interface SignalSource {
  on(signal: SessionSignal, listener: () => void): unknown;
  off(signal: SessionSignal, listener: () => void): unknown;
}

/** Signals held while a session runs: passed on to whoever ends the session, and remembered. */
export interface SignalHold {
  /** Passes each signal caught to `to` until the returned function is called. */
  forward(to: (signal: SessionSignal) => void): () => void;
  /** The first signal caught, if any. */
  readonly caught: SessionSignal | undefined;
  /** Gives the signals back their default action. */
  release(): void;
}

/**
 * Holds SIGHUP, SIGTERM and SIGINT so that they no longer end Sesame at once: a knocked door must
 * be closed again when the terminal running `sesame ssh` is closed or the command is killed. Each
 * signal is passed to the forwarders (which end ssh) and remembered for the exit code.
 */
export function holdSignals(source: SignalSource = process): SignalHold {
  const forwarders = new Set<(signal: SessionSignal) => void>();
  let caught: SessionSignal | undefined;
  const listeners = SESSION_SIGNALS.map((signal) => {
    const listener = () => {
      caught ??= signal;
      for (const to of forwarders) to(signal);
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    forward(to) {
      forwarders.add(to);
      return () => forwarders.delete(to);
    },
    get caught() {
      return caught;
    },
    release() {
      for (const [signal, listener] of listeners) source.off(signal, listener);
      forwarders.clear();
    },
  };
}

/** The shell's exit code for a process ended by `signal` (128 + its number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}
