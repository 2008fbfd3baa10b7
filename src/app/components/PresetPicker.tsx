import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fmt } from '../lib/format';
import { PRESET_LIST, presetInfo } from '../lib/presets';
import { useApp } from '../store';

const show = (v: unknown): string => (typeof v === 'number' ? fmt(v, 4) : String(v));

/** Pick an algorithm preset; lists the knobs it sets (they are also marked in the panel). */
export function PresetPicker() {
  const { preset, choosePreset } = useApp(useShallow((s) => ({ preset: s.preset, choosePreset: s.choosePreset })));
  const id = useId();
  const info = presetInfo(preset);
  return (
    <div className="preset-picker">
      <label htmlFor={id}>Preset</label>
      <select id={id} data-testid="preset-select" value={preset} onChange={(e) => choosePreset(e.target.value)}>
        {PRESET_LIST.map((p) => (
          <option key={p.id} value={p.id}>
            {p.title}
          </option>
        ))}
      </select>
      {info && (
        <>
          <p className="preset-summary">{info.summary}</p>
          <details className="preset-knobs" data-testid="preset-knobs">
            <summary>Sets {info.knobs.length} knob{info.knobs.length === 1 ? '' : 's'}</summary>
            <ul>
              {info.knobs.map((k) => (
                <li key={k.path}>
                  <code>{k.path}</code> = <code>{show(k.value)}</code>
                  {!k.changed && <span className="muted"> (default)</span>}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </div>
  );
}
