import type { RunConfig } from '../../engine/config';
import { FIELDS, valueAt } from './fields';

/**
 * What resuming a run from its checkpoint under the panel's config would change, field by
 * field, and whether the checkpoint can load at all (its weights fit only the same model).
 */

export interface ConfigChange {
  path: string;
  from: string;
  to: string;
}

/** Every field whose value differs between `run` and `next` (the run's name excepted: resuming keeps it). */
export function configChanges(run: RunConfig, next: RunConfig): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const f of FIELDS) {
    if (f.path === 'name') continue;
    const a = valueAt(run, f.path);
    const b = valueAt(next, f.path);
    if (a !== b) out.push({ path: f.path, from: String(a), to: String(b) });
  }
  return out;
}

/**
 * Why the run cannot resume from its checkpoint at iteration `from` under `next`, or null when
 * it can: the weights fit only the same model, and there must be iterations left to run.
 */
export function resumeBlocker(run: RunConfig, next: RunConfig, from: number): string | null {
  const model = configChanges(run, next).filter((c) => c.path.startsWith('model.'));
  if (model.length > 0) return `The checkpoint's weights fit only its own model: put ${model.map((c) => `${c.path} back to ${c.from}`).join(', ')}.`;
  if (next.run.iterations <= from) return `Nothing left to run: raise run.iterations above ${from} to continue.`;
  return null;
}
