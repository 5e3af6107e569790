import type { FieldProblem } from '../../../shared/field-problems';
import { fieldLabel } from '../model/profile-form';

/** The id of the element that holds a field's messages (for `aria-describedby`). */
export function messageId(scope: string, field: string): string {
  return `${scope}-problem-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** A field's validation messages, each naming the field ("Open sequence hit 2 port: ..."). */
export function FieldMessages({
  scope,
  field,
  problems,
}: {
  scope: string;
  field: string;
  problems: readonly FieldProblem[];
}) {
  if (problems.length === 0) return null;
  return (
    <ul className="field-problems" id={messageId(scope, field)}>
      {problems.map((problem, i) => (
        <li key={`${problem.field}-${i}`}>
          {fieldLabel(problem.field)}: {problem.message}
        </li>
      ))}
    </ul>
  );
}
