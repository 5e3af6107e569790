import type { HitView, KnockOutcome } from '../../../shared/door/outcome';
import { hitSlots, isRunning, type RunStage, type RunView } from '../model/runs';
import {
  actionWord,
  doorWord,
  probeSentence,
  stageWord,
  timeWord,
  verdictWord,
} from '../model/words';

const STEPS: readonly { label: string; stages: readonly RunStage[] }[] = [
  { label: 'Resolve', stages: ['starting', 'resolving'] },
  { label: 'Knock', stages: ['waiting', 'knocking', 'reknocking'] },
  { label: 'Probe', stages: ['probing'] },
  { label: 'Start ssh', stages: ['launching'] },
];

function Hit({ hit, index }: { hit: HitView | undefined; index: number }) {
  if (!hit) {
    return (
      <li className="hit pending" aria-label={`Hit ${index + 1}: waiting`}>
        {index + 1}
      </li>
    );
  }
  const state = hit.error ? `failed: ${hit.error}` : `sent at +${Math.round(hit.offsetMs)} ms`;
  return (
    <li
      className={hit.error ? 'hit failed' : 'hit sent'}
      aria-label={`Hit ${index + 1}: port ${hit.port} ${hit.protocol.toUpperCase()} ${state}`}
      title={hit.error}
    >
      {hit.port}
      <span className="hit-proto">{hit.protocol}</span>
    </li>
  );
}

/** Where ssh runs, and when its door closes. */
function sshSentence(ssh: NonNullable<KnockOutcome['ssh']>): string {
  const started = `ssh started in ${ssh.terminal}`;
  if (ssh.closesOnExit) return `${started}; the door closes when ssh ends`;
  if (ssh.closesAt !== undefined)
    return `${started}, which does not say when ssh ends: the door closes at ${timeWord(ssh.closesAt)}`;
  if (ssh.staysOpen)
    return `${started}, which does not say when ssh ends: close the door when you are done`;
  return started;
}

function summary(run: RunView): string {
  if (run.error) return `${actionWord(run.action)} ${run.profileName}: not started.`;
  const outcome = run.outcome;
  if (!outcome) {
    const where = run.address ? ` (${run.address})` : '';
    const sent = run.hits.filter(Boolean).length;
    const total = hitSlots(run).length;
    const count = run.stage === 'knocking' && total > 0 ? ` hit ${sent} of ${total}` : '';
    return `${actionWord(run.action)} ${run.profileName}${where}: ${stageWord(run.stage)}${count}…`;
  }
  const head = `${actionWord(outcome.action)} ${outcome.profileName}: ${verdictWord(outcome.verdict)}`;
  if (outcome.error && outcome.verdict !== 'cancelled') return `${head}. ${outcome.error}`;
  const parts = [
    ...(outcome.probe ? [probeSentence(outcome.probe)] : []),
    ...(outcome.ssh ? [sshSentence(outcome.ssh)] : []),
  ];
  return parts.length > 0 ? `${head}: ${parts.join('; ')}.` : `${head}.`;
}

/**
 * The knock on screen, hit by hit, then the probe's answer. Its box has a fixed height and every
 * part is always drawn, so nothing around it moves while a knock runs.
 */
export function KnockProgress({
  run,
  notice,
  onCancel,
}: {
  run: RunView | undefined;
  notice: string | undefined;
  onCancel: (profileId: string) => void;
}) {
  const running = isRunning(run);
  const probe = run?.outcome?.probe;
  const slots = run ? hitSlots(run) : [];
  const failed = run?.error !== undefined || run?.outcome?.verdict === 'failed';
  return (
    <section className="progress" aria-label="Knock progress">
      <div className="progress-head">
        <ol className="steps" aria-label="Stages">
          {STEPS.map((step) => {
            const now = run !== undefined && step.stages.includes(run.stage);
            return (
              <li
                key={step.label}
                className={now ? 'step now' : 'step'}
                aria-current={now ? 'step' : undefined}
              >
                {step.label}
              </li>
            );
          })}
        </ol>
        <span className={`door door-${probe?.state ?? 'unknown'}`}>
          {probe ? doorWord(probe.state) : run?.stage === 'probing' ? 'Probing…' : 'No probe yet'}
        </span>
        <button
          type="button"
          className={running ? undefined : 'invisible'}
          disabled={!running}
          aria-label={run ? `Cancel knocking ${run.profileName}` : 'Cancel knock'}
          onClick={() => run && onCancel(run.profileId)}
        >
          Cancel
        </button>
      </div>
      <ol className="hits" aria-label="Hits">
        {slots.map((hit, i) => (
          <Hit key={i} hit={hit} index={i} />
        ))}
      </ol>
      <p role="status" className={failed ? 'progress-summary failed' : 'progress-summary'}>
        {run ? summary(run) : 'No knock yet. Select a profile and press Enter to open its door.'}
      </p>
      {(notice ?? run?.error) && (
        <p role="alert" className="error inline">
          {notice ?? run?.error}
        </p>
      )}
    </section>
  );
}
