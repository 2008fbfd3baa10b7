import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FIELDS, GROUPS, type FieldSpec, type GroupId } from '../lib/fields';
import { presetPaths } from '../lib/presets';
import { useApp } from '../store';
import { ConfigField } from './ConfigField';
import { PresetPicker } from './PresetPicker';

const OPEN_BY_DEFAULT: ReadonlySet<GroupId> = new Set(['task', 'sampling', 'objective', 'run']);

const BY_GROUP: ReadonlyMap<GroupId, FieldSpec[]> = new Map(GROUPS.map((g) => [g.id, FIELDS.filter((f) => f.group === g.id)]));

/** The run config, generated from the engine's zod schema, in the groups. */
export function ConfigPanel() {
  const { draft, errors, preset, setField, resetDraft } = useApp(
    useShallow((s) => ({ draft: s.draft, errors: s.errors, preset: s.preset, setField: s.setField, resetDraft: s.resetDraft })),
  );
  const owned = useMemo(() => presetPaths(preset), [preset]);
  const errorCount = Object.keys(errors).length;
  return (
    <form className="config-panel" aria-label="Run configuration" onSubmit={(e) => e.preventDefault()} noValidate>
      <PresetPicker />
      {errorCount > 0 && (
        <p className="config-errors" role="alert" data-testid="config-errors">
          {errorCount} invalid field{errorCount === 1 ? '' : 's'}: Start is disabled until {errorCount === 1 ? 'it is' : 'they are'} fixed.
        </p>
      )}
      {GROUPS.map((g) => {
        const fields = BY_GROUP.get(g.id) ?? [];
        const bad = fields.filter((f) => errors[f.path]).length;
        return (
          <details key={g.id} className="config-group" open={OPEN_BY_DEFAULT.has(g.id) || bad > 0} data-testid={`group-${g.id}`}>
            <summary>
              {g.title}
              {bad > 0 && <span className="group-bad"> · {bad} invalid</span>}
            </summary>
            <div className="config-fields">
              {fields.map((f) => (
                <ConfigField key={f.path} spec={f} value={draft[f.path]} error={errors[f.path]} fromPreset={owned.has(f.path)} onChange={setField} />
              ))}
            </div>
          </details>
        );
      })}
      <div className="config-actions">
        <button type="button" onClick={resetDraft}>
          Restore preset defaults
        </button>
      </div>
    </form>
  );
}
