/**
 * A row of exclusive choices shown as joined buttons: radio inputs in a labelled radiogroup, the
 * chosen one marked `on`. Labelled by an element's id (`labelledBy`) or a name (`label`).
 */
export function ChoiceToggle<V extends string>({
  name,
  value,
  choices,
  onChange,
  labelledBy,
  label,
}: {
  /** The radio inputs' shared name (unique in the page). */
  name: string;
  value: V;
  choices: readonly (readonly [V, string])[];
  onChange: (value: V) => void;
  labelledBy?: string;
  label?: string;
}) {
  return (
    <div className="toggle" role="radiogroup" aria-labelledby={labelledBy} aria-label={label}>
      {choices.map(([choice, text]) => (
        <label key={choice} className={value === choice ? 'on' : undefined}>
          <input
            type="radio"
            name={name}
            value={choice}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />
          {text}
        </label>
      ))}
    </div>
  );
}

/** A ChoiceToggle under a title of its own, as a form field ("Open the door with"). */
export function ChoiceField<V extends string>({
  id,
  title,
  value,
  choices,
  onChange,
}: {
  /** The title's id and the radio inputs' name. */
  id: string;
  title: string;
  value: V;
  choices: readonly (readonly [V, string])[];
  onChange: (value: V) => void;
}) {
  return (
    <div className="field open-with">
      <span id={id}>{title}</span>
      <ChoiceToggle labelledBy={id} name={id} value={value} choices={choices} onChange={onChange} />
    </div>
  );
}
