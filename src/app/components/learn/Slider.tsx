import { useId } from 'react';

interface Props {
  label: string;
  help: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  testId?: string;
  format?: (v: number) => string;
}

/** A labelled range input with its value and one line of help (arrow keys move it). */
export function Slider({ label, help, value, min, max, step, onChange, testId, format }: Props) {
  const id = useId();
  return (
    <div className="slider">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="range" min={min} max={max} step={step} value={value} aria-describedby={`${id}-help`} data-testid={testId} onChange={(e) => onChange(Number(e.target.value))} />
      <output htmlFor={id} data-testid={testId ? `${testId}-value` : undefined}>
        {format ? format(value) : value}
      </output>
      <p id={`${id}-help`} className="field-help">
        {help}
      </p>
    </div>
  );
}
