import type {
  KnockAction,
  KnockOutcome,
  KnockVerdict,
  ProbeState,
  ProbeView,
} from '../../../shared/door/outcome';
import type { RunStage } from './runs';

/** What each action is called on screen. */
export function actionWord(action: KnockAction): string {
  switch (action) {
    case 'open':
      return 'Open';
    case 'close':
      return 'Close';
    case 'ssh':
      return 'Open SSH';
  }
}

/** A door state in the user's words. */
export function doorWord(state: ProbeState): string {
  switch (state) {
    case 'open':
      return 'Door open';
    case 'closed':
      return 'Door closed';
    case 'unreachable':
      return 'Host unreachable';
  }
}

/** How a knock ended, in a few words. */
export function verdictWord(verdict: KnockVerdict): string {
  switch (verdict) {
    case 'open':
    case 'closed':
    case 'unreachable':
      return doorWord(verdict);
    case 'sent':
      return 'Sent';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

/** A stage of a run as a present-tense label. */
export function stageWord(stage: RunStage): string {
  switch (stage) {
    case 'starting':
      return 'Starting';
    case 'resolving':
      return 'Resolving host';
    case 'waiting':
      return 'Waiting for the next step';
    case 'knocking':
      return 'Knocking';
    case 'probing':
      return 'Probing';
    case 'reknocking':
      return 'Knocking again';
    case 'launching':
      return 'Starting ssh';
    case 'done':
      return 'Done';
  }
}

/** A clock time for lists (the user's locale). */
export function timeWord(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** A probe result as one sentence: `port 22 on 192.0.2.1 is open (12 ms)`. */
export function probeSentence(probe: ProbeView): string {
  return `port ${probe.port} on ${probe.address} is ${probe.state} (${probe.elapsedMs} ms)`;
}

/** A finished knock as one line: the verdict, then the probe or the error. */
export function outcomeSentence(outcome: KnockOutcome): string {
  const head = `${actionWord(outcome.action)}: ${verdictWord(outcome.verdict)}`;
  if (outcome.error !== undefined && outcome.error !== 'cancelled')
    return `${head}: ${outcome.error}`;
  if (outcome.probe) return `${head}, ${probeSentence(outcome.probe)}`;
  return head;
}
