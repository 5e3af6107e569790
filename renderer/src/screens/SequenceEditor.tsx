import { useId, useState, type KeyboardEvent } from 'react';
import type { FieldProblem } from '../../../shared/field-problems';
import { parseSequence } from '../../../shared/sequence/sequence';
import { formatTcpFlags } from '../../../shared/sequence/tcp-flags';
import { ChoiceToggle } from '../components/ChoiceToggle';
import { ArrowDownIcon, ArrowUpIcon, CrossIcon } from '../components/Icons';
import { FieldMessages, messageId } from '../components/FieldMessages';
import { newRow, rowsFromKnocks, type HitRow, type SequenceName } from '../model/profile-form';
import { MAX_SEQUENCE_LENGTH, randomPorts, type RandomSource } from '../model/random-sequence';
import { moveRow, removeRow, updateRow } from '../model/sequence-rows';
import { errorMessage } from '../../../shared/basics';

const PROTOCOLS = [
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
] as const;

const TITLES: Record<SequenceName, string> = { open: 'Open sequence', close: 'Close sequence' };

/** Hits a generated sequence has when the editor holds fewer rows. */
const GENERATED_LENGTH = 3;

/** One hit: port, TCP/UDP, its own delay, and the buttons that move or remove it. */
function HitRowEditor({
  name,
  row,
  index,
  count,
  problems,
  scope,
  onChange,
  onMove,
  onRemove,
}: {
  name: SequenceName;
  row: HitRow;
  index: number;
  count: number;
  problems: readonly FieldProblem[];
  scope: string;
  onChange: (change: Partial<HitRow>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const label = `${TITLES[name]} hit ${index + 1}`;
  const field = `${name}[${index}]`;
  const described = problems.length > 0 ? messageId(scope, field) : undefined;
  const invalid = (part: string) => problems.some((p) => p.field === `${field}.${part}`);
  return (
    <li className="hit-row">
      <span className="hit-number" aria-hidden="true">
        {index + 1}
      </span>
      <input
        className="hit-port"
        type="text"
        inputMode="numeric"
        autoComplete="off"
        aria-label={`${label} port`}
        placeholder="port"
        value={row.port}
        aria-invalid={invalid('port')}
        aria-describedby={described}
        onChange={(e) => onChange({ port: e.target.value })}
      />
      <ChoiceToggle
        label={`${label} protocol`}
        name={`${scope}-${name}-${row.key}-protocol`}
        value={row.protocol}
        choices={PROTOCOLS}
        onChange={(protocol) => onChange({ protocol })}
      />
      <input
        className="hit-delay"
        type="text"
        inputMode="numeric"
        autoComplete="off"
        aria-label={`${label} delay in ms`}
        placeholder="default"
        value={row.delay}
        aria-invalid={invalid('delayMs')}
        aria-describedby={described}
        onChange={(e) => onChange({ delay: e.target.value })}
      />
      <span className="unit" aria-hidden="true">
        ms
      </span>
      {row.tcpFlags && (
        <span className="flags" title="TCP flags from the imported door">
          {formatTcpFlags(row.tcpFlags)}
        </span>
      )}
      <span className="row-buttons">
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${label.toLowerCase()} up`}
          disabled={index === 0}
          onClick={() => onMove(-1)}
        >
          <ArrowUpIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move ${label.toLowerCase()} down`}
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          <ArrowDownIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove ${label.toLowerCase()}`}
          onClick={onRemove}
        >
          <CrossIcon />
        </button>
      </span>
      <FieldMessages scope={scope} field={field} problems={problems} />
    </li>
  );
}

/**
 * A sequence as rows of port + TCP/UDP + delay, with add, remove, reorder, a paste box that takes
 * knockd's syntax (`7000,8000:udp,9000`) and a random generator.
 */
export function SequenceEditor({
  name,
  rows,
  onChange,
  problems,
  scope,
  avoidPorts,
  random,
}: {
  name: SequenceName;
  rows: HitRow[];
  onChange: (rows: HitRow[]) => void;
  /** Every shown problem of this sequence (`open`, `open[1].port`, ...). */
  problems: readonly FieldProblem[];
  scope: string;
  /** Ports the generator must not draw (the other sequence, the service and ssh ports). */
  avoidPorts: () => number[];
  random: RandomSource;
}) {
  const title = TITLES[name];
  const pasteId = useId();
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();
  const [generateError, setGenerateError] = useState<string | undefined>();
  const pasteErrorId = `${scope}-${name}-paste-error`;

  const fill = () => {
    const parsed = parseSequence(pasted);
    if (!parsed.ok) {
      setPasteError(`Paste ${title.toLowerCase()}: ${parsed.error}`);
      return;
    }
    if (parsed.value.length > MAX_SEQUENCE_LENGTH) {
      setPasteError(
        `Paste ${title.toLowerCase()}: knockd accepts at most ${MAX_SEQUENCE_LENGTH} ports`,
      );
      return;
    }
    setPasteError(undefined);
    setPasted('');
    onChange(rowsFromKnocks(parsed.value));
  };

  const onPasteKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    fill();
  };

  const generate = () => {
    const count = Math.min(Math.max(rows.length, GENERATED_LENGTH), MAX_SEQUENCE_LENGTH);
    try {
      const ports = randomPorts({ count, avoid: avoidPorts(), random });
      setGenerateError(undefined);
      onChange(
        ports.map((port, i) => {
          const row = rows[i];
          return row ? { ...row, port: String(port) } : newRow({ port, protocol: 'tcp' });
        }),
      );
    } catch (error) {
      setGenerateError(`Generate ${title.toLowerCase()}: ${errorMessage(error)}`);
    }
  };

  const own = (field: string) =>
    problems.filter((p) => p.field === field || p.field.startsWith(`${field}.`));
  const whole = problems.filter((p) => p.field === name);

  return (
    <fieldset
      className="sequence"
      aria-describedby={whole.length > 0 ? messageId(scope, name) : undefined}
    >
      <legend>{title}</legend>
      {rows.length === 0 ? (
        <p className="empty-sequence">
          {name === 'close'
            ? 'No close sequence: Close, and closing when ssh ends, are off for this profile.'
            : 'No hits yet: add, paste or generate some.'}
        </p>
      ) : (
        <ol className="hit-rows" aria-label={`${title} hits`}>
          {rows.map((row, index) => (
            <HitRowEditor
              key={row.key}
              name={name}
              row={row}
              index={index}
              count={rows.length}
              problems={own(`${name}[${index}]`)}
              scope={scope}
              onChange={(change) => onChange(updateRow(rows, index, change))}
              onMove={(by) => onChange(moveRow(rows, index, by))}
              onRemove={() => onChange(removeRow(rows, index))}
            />
          ))}
        </ol>
      )}
      <FieldMessages scope={scope} field={name} problems={whole} />
      <div className="sequence-tools">
        <button
          type="button"
          aria-label={`Add hit to ${title.toLowerCase()}`}
          disabled={rows.length >= MAX_SEQUENCE_LENGTH}
          onClick={() => onChange([...rows, newRow()])}
        >
          Add hit
        </button>
        <button
          type="button"
          aria-label={`Generate random ${title.toLowerCase()}`}
          onClick={generate}
        >
          Generate random
        </button>
        <span className="paste">
          <label htmlFor={pasteId}>Paste {title.toLowerCase()}</label>
          <input
            id={pasteId}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="7000,8000:udp,9000"
            value={pasted}
            aria-invalid={pasteError !== undefined}
            aria-describedby={pasteError ? pasteErrorId : undefined}
            onChange={(e) => setPasted(e.target.value)}
            onKeyDown={onPasteKey}
          />
          <button
            type="button"
            aria-label={`Fill ${title.toLowerCase()} from pasted text`}
            onClick={fill}
          >
            Fill
          </button>
        </span>
      </div>
      {pasteError && (
        <p className="field-problem" id={pasteErrorId}>
          {pasteError}
        </p>
      )}
      {generateError && <p className="field-problem">{generateError}</p>}
    </fieldset>
  );
}
