import { memo, useId } from 'react';
import { boundsHint, valueHelp, type DraftValue, type FieldSpec, type Ignored } from '../lib/fields';

interface Props {
  spec: FieldSpec;
  value: DraftValue | undefined;
  error: string | undefined;
  /** The selected preset sets this knob. */
  fromPreset: boolean;
  /** The chosen algorithm never reads this knob (null where it does). */
  ignored: Ignored | null;
  onChange: (path: string, value: DraftValue) => void;
}

/**
 * One config knob: label, input, bounds, help text (the schema's .describe()) and its error.
 * A knob the chosen algorithm ignores is dimmed and says so, beside its name (part of the input's
 * label) and before its help (its description), yet stays editable.
 */
function ConfigFieldImpl({ spec, value, error, fromPreset, ignored, onChange }: Props) {
  const id = useId();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const describedBy = error ? `${errId} ${helpId}` : helpId;
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'data-testid': `input-${spec.path}`,
  } as const;

  let input;
  if (spec.kind === 'boolean') {
    input = <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(spec.path, e.target.checked)} />;
  } else if (spec.kind === 'enum') {
    input = (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(spec.path, e.target.value)}>
        {spec.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'fixed') {
    input = <input type="text" {...common} value={String(value ?? '')} readOnly aria-readonly="true" />;
  } else {
    input = (
      <input
        type="text"
        inputMode={spec.kind === 'string' ? 'text' : spec.kind === 'int' ? 'numeric' : 'decimal'}
        spellCheck={false}
        autoComplete="off"
        {...common}
        value={String(value ?? '')}
        onChange={(e) => onChange(spec.path, e.target.value)}
      />
    );
  }
  const hint = boundsHint(spec);
  const about = valueHelp(spec.path, value);
  return (
    <div
      className={`field${error ? ' field-invalid' : ''}${spec.kind === 'boolean' ? ' field-check' : ''}${ignored ? ' field-ignored' : ''}`}
      data-testid={`field-${spec.path}`}
      data-ignored={ignored ? 'true' : 'false'}
    >
      <label htmlFor={id}>
        <span className="field-name">{spec.key}</span>
        {fromPreset && (
          <span className="preset-mark" title="Set by the selected preset">
            preset
          </span>
        )}
        {ignored && (
          <span className="ignored-mark" data-testid={`ignored-${spec.path}`}>
            {ignored.mark}
          </span>
        )}
      </label>
      {input}
      {error && (
        <p id={errId} className="field-error" role="alert" data-testid={`error-${spec.path}`}>
          {error}
        </p>
      )}
      <p id={helpId} className="field-help">
        {ignored && <span className="ignored-why">{ignored.why} </span>}
        {spec.help}
        {hint && <span className="field-bounds"> ({hint})</span>}
        {about && (
          <span className="field-value-help" data-testid={`value-help-${spec.path}`}>
            {' '}
            {about}
          </span>
        )}
      </p>
    </div>
  );
}

export const ConfigField = memo(ConfigFieldImpl);
