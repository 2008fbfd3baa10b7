import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { MAX_RUN_NAME_LENGTH, RunConfigSchema, type RunConfig } from '../engine/config';
import type { MetricsRecord } from '../engine/train/metrics';
import { RUN_STATUSES, type RunStatus } from './lifecycle';

/**
 * The playground's IndexedDB: its schema and how to open it. Reading and writing live apart:
 * `queries.ts` reads (readonly transactions, for the page and the worker), `db.ts` writes (the
 * worker only; test/db-writers.test.ts holds every other module to that).
 */

/** Which trainer's logs a run was imported from (TRL trainer_state.json, veRL/EasyR1 JSONL, a W&B CSV). */
export const ExternalSourceSchema = z.object({ format: z.enum(['trl', 'verl', 'wandb']), file: z.string().max(200) });
export type ExternalSource = z.infer<typeof ExternalSourceSchema>;

export interface StoredRun {
  id: string;
  name: string;
  config: RunConfig;
  status: RunStatus;
  color: string;
  visible: boolean;
  createdAt: number;
  /** Last iteration whose metrics are saved (written in the same transaction as they are). */
  iteration: number;
  /** Wall time spent in the run's own iterations, up to `iteration`. */
  wallMs: number;
  /** The comparison the run belongs to, if any. */
  group?: string;
  error?: string;
  /** Iteration of the saved checkpoint (written with it; never past `iteration`). */
  checkpointIteration?: number;
  /** Metrics at or before this iteration were thinned by compaction (worker/compaction.ts). */
  compactedThrough?: number;
  /** Set on a run imported from another trainer's logs: read-only, with a placeholder config. */
  source?: ExternalSource;
  /** Read from a file: it has metrics but never a checkpoint, so it cannot be resumed (lifecycle.ts). */
  imported?: boolean;
}

/** The fields a person edits: name, config, colour, visibility, group. */
export type RunFields = Partial<Pick<StoredRun, 'name' | 'config' | 'color' | 'visible' | 'group'>>;

/** A run record as it crosses from the page to the worker (import, new run). */
export const StoredRunSchema = z.object({
  id: z.string().min(1),
  name: z.string().max(MAX_RUN_NAME_LENGTH),
  config: RunConfigSchema,
  status: z.enum(RUN_STATUSES),
  color: z.string(),
  visible: z.boolean(),
  createdAt: z.number(),
  iteration: z.number().int().min(0),
  wallMs: z.number().min(0),
  group: z.string().optional(),
  error: z.string().optional(),
  checkpointIteration: z.number().int().min(0).optional(),
  compactedThrough: z.number().int().min(0).optional(),
  source: ExternalSourceSchema.optional(),
  imported: z.boolean().optional(),
}) satisfies z.ZodType<StoredRun>;

export interface StoredCheckpoint {
  runId: string;
  iteration: number;
  wallMs: number;
  savedAt: number;
  artifacts: tf.io.ModelArtifacts;
}

/** Everything about a run, for Undo (after a delete or a reset). */
export interface RunSnapshot {
  run: StoredRun;
  metrics: MetricsRecord[];
  checkpoint?: StoredCheckpoint;
}

export interface PlaygroundSchema extends DBSchema {
  runs: { key: string; value: StoredRun };
  /** One row per iteration, key [runId, iteration]: appends are cheap and a range drops a tail. */
  metrics: { key: [string, number]; value: MetricsRecord & { runId: string } };
  checkpoints: { key: string; value: StoredCheckpoint };
}

export type PlaygroundDb = IDBPDatabase<PlaygroundSchema>;

export const DB_NAME = 'rft-playground';
const DB_VERSION = 1;

let opening: Promise<PlaygroundDb> | null = null;

export function openPlaygroundDb(): Promise<PlaygroundDb> {
  opening ??= openDB<PlaygroundSchema>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('runs', { keyPath: 'id' });
      db.createObjectStore('metrics', { keyPath: ['runId', 'iteration'] });
      db.createObjectStore('checkpoints', { keyPath: 'runId' });
    },
  });
  return opening;
}

/** The metrics keys of one run from iteration `from` on. */
export const runRange = (runId: string, from = 0): IDBKeyRange => IDBKeyRange.bound([runId, from], [runId, Number.MAX_SAFE_INTEGER]);

/**
 * How far a run's thinning reaches once its metrics from iteration `from` on are gone: never
 * past what is left, and undefined once no thinned record is left (a reset), so the gaps of the
 * run trained next are not excused as thinning.
 */
export function compactedAfterTruncate(compactedThrough: number | undefined, from: number): number | undefined {
  if (compactedThrough === undefined) return undefined;
  const through = Math.min(compactedThrough, from - 1);
  return through > 0 ? through : undefined;
}
