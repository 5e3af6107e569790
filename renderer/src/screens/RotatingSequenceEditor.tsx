import { useState } from 'react';
import type { FieldProblem } from '../../../shared/field-problems';
import type { SesameApi } from '../../../shared/ipc/contract';
import type { RotatingProtocols } from '../../../shared/rotating/params';
import { FieldMessages } from '../components/FieldMessages';
import { TextField } from '../components/TextField';
import { useRotatingPreview } from '../hooks/useRotatingPreview';
import {
  rotatingFieldsFromUri,
  rotatingFromFields,
  type RotatingFields,
} from '../model/rotating-form';

/** The fields of a rotating sequence the editor places, for door `name`. */
export function rotatingFieldNames(name: 'open' | 'close'): string[] {
  return ['secret', 'label', 'stepSeconds', 'length', 'ports', 'protocols'].map(
    (f) => `${name}.${f}`,
  );
}

const TITLES = { open: 'Open', close: 'Close' } as const;

/**
 * A rotating sequence (docs/rotating-sequences.md): filled in from a pasted sesame://rotating URI or
 * typed (secret, label, parameters), with this step's knocks and a live countdown to the next step.
 */
export function RotatingSequenceEditor({
  api,
  name,
  fields,
  scope,
  problemsOf,
  onChange,
  onUri,
}: {
  api: SesameApi;
  name: 'open' | 'close';
  fields: RotatingFields;
  scope: string;
  problemsOf: (field: string) => FieldProblem[];
  onChange: (fields: RotatingFields, field: string) => void;
  /** A URI was read: its fields replace these, and its host (if any) is offered to the profile. */
  onUri: (fields: RotatingFields, host: string | undefined) => void;
}) {
  const [uri, setUri] = useState('');
  const [uriState, setUriState] = useState<{ ok: boolean; text: string } | undefined>();
  const sequence = rotatingFromFields(fields, name, []);
  const preview = useRotatingPreview(api, sequence);
  const field = (f: string) => ({
    scope,
    field: `${name}.${f}`,
    problems: problemsOf(`${name}.${f}`),
  });
  const set = (key: keyof RotatingFields, f: string) => (value: string) =>
    onChange({ ...fields, [key]: value }, `${name}.${f}`);

  const readUri = (text: string) => {
    setUri(text);
    if (text.trim() === '') {
      setUriState(undefined);
      return;
    }
    const read = rotatingFieldsFromUri(text);
    if (!read.ok) {
      setUriState({ ok: false, text: `Not a provisioning URI Sesame can read: ${read.error}` });
      return;
    }
    onUri(read.value.fields, read.value.host);
    // The URI holds the secret: once read, it is not left on screen in clear.
    setUri('');
    setUriState({
      ok: true,
      text: `Filled in from the URI${read.value.host ? ` (host ${read.value.host})` : ''}. Nothing is saved until you save the profile.`,
    });
  };

  const title = `${TITLES[name]}: rotating sequence`;
  return (
    <fieldset className="editor-grid rotating" aria-label={title}>
      <legend>{title}</legend>
      <TextField
        className="wide"
        label="Provisioning URI"
        value={uri}
        placeholder="sesame://rotating?v=1&secret=…"
        hint="Paste the line sesame rotating new printed; it fills in the fields below."
        onChange={readUri}
        scope={scope}
        field={`${name}.uri`}
        problems={
          uriState && !uriState.ok ? [{ field: `${name}.uri`, message: uriState.text }] : []
        }
      />
      {uriState?.ok ? <p className="hint wide rotating-filled">{uriState.text}</p> : null}
      <TextField
        className="wide"
        label="Secret"
        value={fields.secret}
        secret
        hint="base32, at least 160 bits; the server's Rotating_Secret_File holds the same."
        onChange={set('secret', 'secret')}
        {...field('secret')}
      />
      <TextField
        label="Label"
        value={fields.label}
        hint="The door's Rotating_Label (its section name by default)."
        onChange={set('label', 'label')}
        {...field('label')}
      />
      <TextField
        label="Step (s)"
        value={fields.step}
        numeric
        onChange={set('step', 'stepSeconds')}
        {...field('stepSeconds')}
      />
      <TextField
        label="Knocks"
        value={fields.length}
        numeric
        onChange={set('length', 'length')}
        {...field('length')}
      />
      <TextField
        label="Ports"
        value={fields.ports}
        placeholder="10000-29999"
        onChange={set('ports', 'ports')}
        {...field('ports')}
      />
      <div className="field">
        <label htmlFor={`${scope}-${name}-protocols`}>Protocols</label>
        <select
          id={`${scope}-${name}-protocols`}
          value={fields.protocols}
          onChange={(e) =>
            onChange(
              { ...fields, protocols: e.target.value as RotatingProtocols },
              `${name}.protocols`,
            )
          }
        >
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
          <option value="mixed">Mixed</option>
        </select>
      </div>
      <FieldMessages scope={scope} field={name} problems={problemsOf(name)} />
      <div className="wide rotating-now" aria-label={`${TITLES[name]} sequence now`}>
        {preview.kind === 'ready' ? (
          <>
            <span>
              This step: <code>{preview.preview.sequence}</code>
            </span>
            <span role="timer" aria-live="off">
              next step in {preview.secondsLeft} s
            </span>
          </>
        ) : preview.kind === 'failed' ? (
          <span className="error">No preview: {preview.error}</span>
        ) : (
          <span className="hint">The current sequence shows once the fields are complete.</span>
        )}
      </div>
    </fieldset>
  );
}
