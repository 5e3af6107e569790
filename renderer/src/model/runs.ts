import type {
  HitView,
  KnockAction,
  KnockOutcome,
  KnockProgressEvent,
} from '../../../shared/door/outcome';

/** Where a run is: the main process's stages, plus `starting` (asked, no event yet) and `done`. */
export type RunStage = KnockProgressEvent['stage'] | 'starting' | 'done';

/** One knock as the window shows it while it runs and after it ended. */
export interface RunView {
  /** Undefined until main's first event names the run (a knock the window just asked for). */
  runId: string | undefined;
  profileId: string;
  profileName: string;
  action: KnockAction;
  stage: RunStage;
  address: string | undefined;
  /** Hits as they are reported, by their index in the sequence being sent. */
  hits: (HitView | undefined)[];
  outcome: KnockOutcome | undefined;
  /** Why the request failed before a run existed (busy, unknown profile, ...). */
  error: string | undefined;
}

/** The latest run of each profile (main allows one run per profile) and which one is on screen. */
export interface RunsState {
  byProfile: Readonly<Record<string, RunView>>;
  currentProfileId: string | undefined;
}

/** No knock yet. */
export const noRuns: RunsState = { byProfile: {}, currentProfileId: undefined };

function freshRun(profileId: string, profileName: string, action: KnockAction): RunView {
  return {
    runId: undefined,
    profileId,
    profileName,
    action,
    stage: 'starting',
    address: undefined,
    hits: [],
    outcome: undefined,
    error: undefined,
  };
}

function put(state: RunsState, run: RunView, current = true): RunsState {
  return {
    byProfile: { ...state.byProfile, [run.profileId]: run },
    currentProfileId: current ? run.profileId : state.currentProfileId,
  };
}

/** The window asked main to knock: show the run at once, before the first event. */
export function runStarted(
  state: RunsState,
  profileId: string,
  profileName: string,
  action: KnockAction,
): RunsState {
  return put(state, freshRun(profileId, profileName, action));
}

/**
 * Main accepted the knock and named its run. Its events may have come first (they carry the id
 * too), so a run that already has an id keeps it.
 */
export function runAccepted(state: RunsState, profileId: string, runId: string): RunsState {
  const known = state.byProfile[profileId];
  if (!known || known.runId !== undefined) return state;
  return put(state, { ...known, runId }, state.currentProfileId === profileId);
}

/** A `knock:progress` event: a stage change or one more hit; an unknown run id starts a new run. */
export function runProgressed(
  state: RunsState,
  event: KnockProgressEvent,
  profileName: string,
): RunsState {
  const known = state.byProfile[event.profileId];
  const sameRun =
    known !== undefined &&
    known.outcome === undefined &&
    known.error === undefined &&
    (known.runId === undefined || known.runId === event.runId);
  const run = sameRun ? known : freshRun(event.profileId, profileName, event.action);
  const hits = event.stage === 'reknocking' ? [] : [...run.hits];
  if (event.hit) hits[event.hit.index] = event.hit;
  return put(state, {
    ...run,
    runId: event.runId,
    stage: event.stage,
    address: event.address ?? run.address,
    hits,
  });
}

/**
 * A `knock:finished` event: the outcome of the run it names, or of a run the window asked for and
 * whose id has not arrived yet; a knock started elsewhere (the tray, the close after ssh) is shown
 * as a new run.
 */
export function runFinished(state: RunsState, outcome: KnockOutcome): RunsState {
  const known = state.byProfile[outcome.profileId];
  const awaiting =
    known !== undefined &&
    known.runId === undefined &&
    known.outcome === undefined &&
    known.error === undefined;
  if (known && (known.runId === outcome.runId || awaiting)) {
    const done = { ...known, runId: outcome.runId, stage: 'done' as const, outcome };
    return put(state, { ...done, address: outcome.address ?? known.address }, false);
  }
  const current = state.currentProfileId ? state.byProfile[state.currentProfileId] : undefined;
  const run = freshRun(outcome.profileId, outcome.profileName, outcome.action);
  return put(
    state,
    { ...run, runId: outcome.runId, stage: 'done', address: outcome.address, outcome },
    !isRunning(current),
  );
}

/** The request was refused as a value (no run happened): keep the message next to the run. */
export function runRefused(state: RunsState, profileId: string, message: string): RunsState {
  const known = state.byProfile[profileId];
  if (!known) return state;
  return put(state, { ...known, stage: 'done', error: message });
}

/** True while main is still working on the run. */
export function isRunning(run: RunView | undefined): boolean {
  return run !== undefined && run.stage !== 'done';
}

/** The hits to draw: the outcome's complete list once finished, else a slot per expected hit. */
export function hitSlots(run: RunView): (HitView | undefined)[] {
  if (run.outcome) return run.outcome.hits;
  const total = run.hits.reduce((most, hit) => Math.max(most, hit?.total ?? 0), 0);
  return Array.from({ length: Math.max(total, run.hits.length) }, (_, i) => run.hits[i]);
}
