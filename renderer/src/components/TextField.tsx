import { useId, type ReactNode } from 'react';
import type { FieldProblem } from '../../../shared/field-problems';
import { FieldMessages, messageId } from './FieldMessages';

/** A labelled text input with its validation messages wired to `aria-invalid`/`aria-describedby`. */
export function TextField({
  label,
  value,
  onChange,
  scope,
  field,
  problems = [],
  hint,
  placeholder,
  numeric = false,
  required = false,
  multiline = false,
  secret = false,
  className,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  scope: string;
  field: string;
  problems?: readonly FieldProblem[];
  hint?: ReactNode;
  placeholder?: string;
  numeric?: boolean;
  required?: boolean;
  multiline?: boolean;
  /** A key or password: shown as dots. */
  secret?: boolean;
  className?: string;
}) {
  const id = useId();
  const hintId = useId();
  const described = [
    problems.length > 0 ? messageId(scope, field) : undefined,
    hint ? hintId : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    value,
    placeholder,
    required,
    'aria-invalid': problems.length > 0,
    'aria-describedby': described || undefined,
  };
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={secret ? 'password' : 'text'}
          inputMode={numeric ? 'numeric' : undefined}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      <FieldMessages scope={scope} field={field} problems={problems} />
    </div>
  );
}
