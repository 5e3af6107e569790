import type { KnockOutcome } from '../../../shared/door/outcome';
import { actionWord, probeSentence, timeWord, verdictWord } from '../model/words';

function details(outcome: KnockOutcome): string {
  const parts: string[] = [];
  if (outcome.hits.length > 0) {
    const sent = outcome.hits.filter((h) => h.error === undefined).length;
    const to = outcome.address ? ` to ${outcome.address}` : '';
    parts.push(`${sent} of ${outcome.hits.length} hits sent${to}`);
  }
  if (outcome.probe) parts.push(probeSentence(outcome.probe));
  if (outcome.ssh) {
    parts.push(
      `ssh in ${outcome.ssh.terminal}${outcome.ssh.closesOnExit ? ', door closes when ssh ends' : ''}`,
    );
  }
  if (outcome.error !== undefined && outcome.error !== 'cancelled') parts.push(outcome.error);
  return parts.join('; ');
}

/** The recent knocks, newest first, from `knock:history` and every `knock:finished` since. */
export function HistoryScreen({
  history,
  error,
}: {
  history: readonly KnockOutcome[];
  error: string | undefined;
}) {
  return (
    <div className="history-screen">
      <h2>History</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {history.length === 0 ? (
        <p className="empty">No knocks yet.</p>
      ) : (
        <ol className="history" aria-label="Recent knocks">
          {history.map((outcome) => (
            <li key={outcome.runId} className={`history-item verdict-${outcome.verdict}`}>
              <div className="history-head">
                <time dateTime={new Date(outcome.finishedAt).toISOString()}>
                  {timeWord(outcome.finishedAt)}
                </time>
                <span className="history-profile">{outcome.profileName}</span>
                <span>{actionWord(outcome.action)}</span>
                <span className="verdict">{verdictWord(outcome.verdict)}</span>
              </div>
              <p className="history-details">{details(outcome)}</p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
