import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FIELDS, GROUPS, draftAlgorithm, ignoredKnob, valueHelp, type FieldSpec, type GroupId } from '../lib/fields';
import { presetPaths } from '../lib/presets';
import { lessonById } from '../lessons';
import { useApp } from '../store';
import { ConfigField } from './ConfigField';
import { PresetPicker } from './PresetPicker';
import { TaskPicker } from './TaskPicker';

const OPEN_BY_DEFAULT: ReadonlySet<GroupId> = new Set(['task', 'sampling', 'objective', 'run']);

const BY_GROUP: ReadonlyMap<GroupId, FieldSpec[]> = new Map(GROUPS.map((g) => [g.id, FIELDS.filter((f) => f.group === g.id)]));

/** The run config, generated from the engine's zod schema, in the issue's groups. */
export function ConfigPanel() {
  const { draft, errors, preset, setField, resetDraft, lessonId, showAll, loadHash } = useApp(
    useShallow((s) => ({
      draft: s.draft,
      errors: s.errors,
      preset: s.preset,
      setField: s.setField,
      resetDraft: s.resetDraft,
      lessonId: s.lessonId,
      showAll: s.showAllControls,
      loadHash: s.loadHash,
    })),
  );
  const owned = useMemo(() => presetPaths(preset), [preset]);
  // The knobs the chosen algorithm never reads (its spec), marked while it is chosen. One object
  // per knob and algorithm, so the memoised fields re-render only when the algorithm changes.
  const algorithm = draftAlgorithm(draft);
  const ignored = useMemo(() => new Map(FIELDS.map((f) => [f.path, ignoredKnob(algorithm, f.path)])), [algorithm]);
  // A lesson shows only its own controls (and any field with an error, so Start is never blocked unseen).
  const lesson = showAll ? undefined : lessonById(lessonId);
  const shows = (f: FieldSpec) => !lesson || lesson.controls.includes(f.path) || errors[f.path] !== undefined;
  const errorCount = Object.keys(errors).length;
  return (
    <form className="config-panel" aria-label="Run configuration" onSubmit={(e) => e.preventDefault()} noValidate>
      {(!lesson || lesson.presetPicker) && <PresetPicker />}
      {errorCount > 0 && (
        <p className="config-errors" role="alert" data-testid="config-errors">
          {errorCount} invalid field{errorCount === 1 ? '' : 's'}: Start is disabled until {errorCount === 1 ? 'it is' : 'they are'} fixed.
        </p>
      )}
      {GROUPS.map((g) => {
        const fields = (BY_GROUP.get(g.id) ?? []).filter(shows);
        if (fields.length === 0) return null;
        const bad = fields.filter((f) => errors[f.path]).length;
        return (
          <details key={g.id} className="config-group" open={OPEN_BY_DEFAULT.has(g.id) || bad > 0 || lesson !== undefined} data-testid={`group-${g.id}`}>
            <summary>
              {g.title}
              {bad > 0 && <span className="group-bad"> · {bad} invalid</span>}
            </summary>
            <div className="config-fields">
              {fields.map((f) =>
                f.path === 'task.task' ? (
                  // The task is chosen from cards with a picture each (TaskPicker), not a bare select.
                  <TaskPicker
                    key={f.path}
                    name="config-task"
                    legend={f.key}
                    testId={`field-${f.path}`}
                    value={String(draft[f.path] ?? '')}
                    error={errors[f.path]}
                    help={[f.help, valueHelp(f.path, draft[f.path])].filter(Boolean).join(' ')}
                    onChange={(task) => setField(f.path, task)}
                  />
                ) : (
                  <ConfigField
                    key={f.path}
                    spec={f}
                    value={draft[f.path]}
                    error={errors[f.path]}
                    fromPreset={owned.has(f.path)}
                    ignored={ignored.get(f.path) ?? null}
                    onChange={setField}
                  />
                ),
              )}
            </div>
          </details>
        );
      })}
      <div className="config-actions">
        {lessonId ? (
          <button type="button" data-testid="lesson-restore" onClick={() => loadHash(`#lesson=${encodeURIComponent(lessonId)}`)}>
            Restore the lesson's settings
          </button>
        ) : (
          <button type="button" onClick={resetDraft}>
            Restore preset defaults
          </button>
        )}
      </div>
    </form>
  );
}
