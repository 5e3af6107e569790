import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SesameApi } from '../../../shared/ipc/contract';
import { useLatest } from './useLatest';
import { HISTORY_LIMIT } from '../../../shared/door/history-file';
import type { KnockAction, KnockOutcome, ProbeView } from '../../../shared/door/outcome';
import type { Profile } from '../../../shared/profile/profile';
import {
  noRuns,
  runAccepted,
  runFinished,
  runProgressed,
  runRefused,
  runStarted,
  type RunsState,
} from '../model/runs';

/** Knocks, their progress, the recent history and the last probe of each door. */
export interface KnocksState {
  runs: RunsState;
  history: KnockOutcome[];
  historyError: string | undefined;
  /** The newest probe of each profile's service port (from a knock or a "Check door"). */
  probes: Readonly<Record<string, ProbeView>>;
  /** The newest finished knock of each profile. */
  lastOutcome: Readonly<Record<string, KnockOutcome>>;
  /** A request main refused that belongs to no run (a probe that failed). */
  notice: string | undefined;
  knock: (profile: Profile, action: KnockAction) => Promise<void>;
  probe: (profile: Profile) => Promise<void>;
  cancel: (profileId: string) => Promise<void>;
}

function withOutcome(history: readonly KnockOutcome[], outcome: KnockOutcome): KnockOutcome[] {
  return [outcome, ...history.filter((o) => o.runId !== outcome.runId)]
    .sort((a, b) => b.finishedAt - a.finishedAt)
    .slice(0, HISTORY_LIMIT);
}

/**
 * Runs Open / Close / Open SSH through the API and follows `knock:progress` and `knock:finished`,
 * including knocks started elsewhere (the tray, ssh's automatic close).
 */
export function useKnocks(api: SesameApi, nameOf: (profileId: string) => string): KnocksState {
  const [runs, setRuns] = useState<RunsState>(noRuns);
  const [history, setHistory] = useState<KnockOutcome[]>([]);
  const [historyError, setHistoryError] = useState<string | undefined>();
  const [probed, setProbed] = useState<Readonly<Record<string, ProbeView>>>({});
  const [notice, setNotice] = useState<string | undefined>();
  const names = useLatest(nameOf);

  const finished = useCallback((outcome: KnockOutcome) => {
    setRuns((state) => runFinished(state, outcome));
    setHistory((list) => withOutcome(list, outcome));
  }, []);

  useEffect(() => {
    const offProgress = api.on('knock:progress', (event) => {
      setRuns((state) => runProgressed(state, event, names.current(event.profileId)));
    });
    const offFinished = api.on('knock:finished', finished);
    void api.knock.history().then((result) => {
      if (!result.ok) {
        setHistoryError(`Could not load the knock history: ${result.error.message}`);
        return;
      }
      setHistory((list) => result.value.reduce(withOutcome, list));
    });
    return () => {
      offProgress();
      offFinished();
    };
  }, [api, finished, names]);

  const knock = useCallback(
    async (profile: Profile, action: KnockAction) => {
      setNotice(undefined);
      setRuns((state) => runStarted(state, profile.id, profile.name, action));
      const result = await api.knock.run({ profileId: profile.id, action });
      if (result.ok) setRuns((state) => runAccepted(state, profile.id, result.value.runId));
      else setRuns((state) => runRefused(state, profile.id, result.error.message));
    },
    [api],
  );

  const probe = useCallback(
    async (profile: Profile) => {
      setNotice(undefined);
      const result = await api.probe.run({ id: profile.id });
      if (result.ok) setProbed((all) => ({ ...all, [profile.id]: result.value }));
      else setNotice(`Could not check the door of ${profile.name}: ${result.error.message}`);
    },
    [api],
  );

  const cancel = useCallback(
    async (profileId: string) => {
      const result = await api.knock.cancel({ id: profileId });
      if (!result.ok) setNotice(`Could not cancel the knock: ${result.error.message}`);
    },
    [api],
  );

  const lastOutcome = useMemo(() => {
    const newest: Record<string, KnockOutcome> = {};
    for (const outcome of history) newest[outcome.profileId] ??= outcome;
    return newest;
  }, [history]);

  const probes = useMemo(() => {
    const newest: Record<string, ProbeView> = { ...probed };
    for (const outcome of history) {
      const seen = newest[outcome.profileId];
      if (outcome.probe && (!seen || seen.at < outcome.probe.at))
        newest[outcome.profileId] = outcome.probe;
    }
    return newest;
  }, [history, probed]);

  return { runs, history, historyError, probes, lastOutcome, notice, knock, probe, cancel };
}
