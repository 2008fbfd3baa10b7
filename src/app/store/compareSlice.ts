import { TASK_IDS, type TaskId } from '../../engine/tasks/types';
import { can } from '../../worker/client';
import { hasPreset, presetTitle, switchPreset } from '../lib/presets';
import type { AppState, Slice } from './types';

/**
 * The Compare view: 2-4 presets on one task, seed and budget, started together; the worker
 * steps them in turn so their curves grow side by side.
 */
export interface CompareSlice {
  comparePresets: string[];
  compareTask: TaskId;
  compareSeed: number;
  compareBudget: number;
  compareError: string | null;
  /** Saved runs (finished, imported from TRL / veRL / W&B...) drawn beside the comparison. */
  compareSaved: string[];
  toggleCompareSaved: (id: string) => void;
  toggleComparePreset: (id: string) => void;
  setCompareTask: (task: TaskId) => void;
  setCompareSeed: (seed: number) => void;
  setCompareBudget: (n: number) => void;
  startCompare: () => Promise<void>;
  stopCompare: () => Promise<void>;
}

export const MIN_COMPARE = 2;
export const MAX_COMPARE = 4;

export const createCompareSlice: Slice<CompareSlice> = (set, get) => ({
  comparePresets: ['ppo', 'grpo', 'dapo'].filter(hasPreset),
  compareTask: 'digit-sum',
  compareSeed: 1,
  compareBudget: 50,
  compareError: null,
  compareSaved: [],
  toggleCompareSaved: (id) =>
    set((s) => ({ compareSaved: s.compareSaved.includes(id) ? s.compareSaved.filter((r) => r !== id) : [...s.compareSaved, id] })),
  toggleComparePreset: (id) =>
    set((s) => ({
      comparePresets: s.comparePresets.includes(id) ? s.comparePresets.filter((p) => p !== id) : [...s.comparePresets, id],
    })),
  setCompareTask: (compareTask) => set({ compareTask: TASK_IDS.includes(compareTask) ? compareTask : 'digit-sum' }),
  setCompareSeed: (seed) => set({ compareSeed: Number.isInteger(seed) && seed >= 0 ? seed : 1 }),
  setCompareBudget: (n) => set({ compareBudget: Number.isInteger(n) && n >= 1 ? Math.min(n, 100_000) : 1 }),
  startCompare: async () => {
    const { comparePresets, compareTask, compareSeed, compareBudget, config } = get();
    if (comparePresets.length < MIN_COMPARE || comparePresets.length > MAX_COMPARE) {
      set({ compareError: `Pick ${MIN_COMPARE} to ${MAX_COMPARE} presets (${comparePresets.length} picked).` });
      return;
    }
    if (!config) {
      set({ compareError: 'The Train view\'s config has invalid fields: the comparison builds on it, so fix them first.' });
      return;
    }
    set({ compareError: null });
    await get().stopCompare();
    const group = `cmp-${Date.now().toString(36)}`;
    const ids: string[] = [];
    // Everything but the preset's own knobs comes from the Train panel (model size, G, L...).
    for (const preset of comparePresets) {
      const base = { ...config, name: '', task: { ...config.task, task: compareTask }, run: { ...config.run, seed: compareSeed, iterations: compareBudget } };
      const cfg = switchPreset(config.preset, preset, base);
      const id = await get().newRun(cfg, { name: `${presetTitle(preset)} · ${compareTask} · seed ${compareSeed}`, group });
      if (!id) {
        set({ compareError: `Could not build the ${presetTitle(preset)} run (see the notice).` });
        for (const made of ids) await get().deleteRun(made);
        return;
      }
      ids.push(id);
    }
    for (const id of ids) await get().startRun(id);
  },
  stopCompare: async () => {
    for (const id of latestComparison(get())) {
      if (get().foreignRuns[id]) continue; // another tab's comparison: that tab stops it
      const status = get().runs[id]?.status;
      // (One already stopping needs no second Stop: that one would kill the worker.)
      if (can(status, 'stop') && status !== 'stopping') await get().stopRun(id);
    }
  },
});

/** Run ids of the newest comparison (runs share a `group`), oldest first. */
export function latestComparison(s: Pick<AppState, 'runs' | 'order'>): string[] {
  let group: string | undefined;
  for (const id of s.order) group = s.runs[id]?.group ?? group;
  return group ? s.order.filter((id) => s.runs[id]?.group === group) : [];
}

/** What Compare draws: the newest comparison, then the saved runs picked beside it that still exist. */
export function comparedRuns(s: Pick<AppState, 'runs' | 'order' | 'compareSaved'>): string[] {
  const latest = latestComparison(s);
  return [...latest, ...s.compareSaved.filter((id) => s.runs[id] && !latest.includes(id))];
}
