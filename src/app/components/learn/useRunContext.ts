import { useShallow } from 'zustand/react/shallow';
import type { RunConfig } from '../../../engine/config';
import type { MetricsRecord } from '../../../engine/train/metrics';
import type { InspectBatch } from '../../../engine/train/types';
import { DEFAULT_RUN_CONFIG } from '../../../engine/config';
import { useApp } from '../../store';

export interface RunContext {
  /** The active run's name, or null when the explainer works from the panel's config. */
  runName: string | null;
  runId: string | null;
  config: RunConfig;
  /** Its newest stored rollout batch (none before the first iteration, or after a reload). */
  batch: InspectBatch | null;
  /** Its newest metrics record. */
  record: MetricsRecord | null;
}

/** What the explainers tie to: the active run (its config, newest batch, newest metrics) or else the config panel. */
export function useRunContext(): RunContext {
  return useApp(
    useShallow((s) => {
      const run = s.activeRunId ? s.runs[s.activeRunId] : undefined;
      return {
        runName: run?.name ?? null,
        runId: run?.id ?? null,
        config: run?.config ?? s.config ?? s.lastValid ?? DEFAULT_RUN_CONFIG,
        batch: (run ? s.inspect[run.id]?.at(-1) : undefined) ?? null,
        record: (run ? s.metrics[run.id]?.at(-1) : undefined) ?? null,
      };
    }),
  );
}
