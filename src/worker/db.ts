import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../engine/config';
import type { MetricsRecord } from '../engine/train/metrics';
import type { RunStatus } from './protocol';

/**
 * The playground's IndexedDB, shared by the page (runs and their metrics) and the worker
 * (checkpoints: it holds the weights). Both open it through `openPlaygroundDb`, so the
 * schema upgrade lives in one place.
 */

export interface StoredRun {
  id: string;
  name: string;
  config: RunConfig;
  status: RunStatus;
  color: string;
  visible: boolean;
  createdAt: number;
  /** Last iteration completed. */
  iteration: number;
  /** Wall time spent in the run's own iterations. */
  wallMs: number;
  /** The comparison the run belongs to, if any. */
  group?: string;
  error?: string;
  /** Iteration of the last saved checkpoint. */
  checkpointIteration?: number;
}

export interface StoredCheckpoint {
  runId: string;
  iteration: number;
  wallMs: number;
  savedAt: number;
  artifacts: tf.io.ModelArtifacts;
}

interface PlaygroundSchema extends DBSchema {
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

const runRange = (runId: string, from = 0) => IDBKeyRange.bound([runId, from], [runId, Number.MAX_SAFE_INTEGER]);

export async function putRun(run: StoredRun): Promise<void> {
  const db = await openPlaygroundDb();
  await db.put('runs', run);
}

export async function getRun(id: string): Promise<StoredRun | undefined> {
  const db = await openPlaygroundDb();
  return db.get('runs', id);
}

export async function listRuns(): Promise<StoredRun[]> {
  const db = await openPlaygroundDb();
  const runs = await db.getAll('runs');
  return runs.sort((a, b) => a.createdAt - b.createdAt);
}

export async function appendMetrics(runId: string, records: readonly MetricsRecord[]): Promise<void> {
  if (records.length === 0) return;
  const db = await openPlaygroundDb();
  const tx = db.transaction('metrics', 'readwrite');
  await Promise.all([...records.map((r) => tx.store.put({ ...r, runId })), tx.done]);
}

export async function loadMetrics(runId: string): Promise<MetricsRecord[]> {
  const db = await openPlaygroundDb();
  const rows = await db.getAll('metrics', runRange(runId));
  return rows.map(({ runId: _runId, ...r }) => r);
}

/** Drop the metrics of iterations >= `from` (a reset drops them all, a resume the tail past its checkpoint). */
export async function truncateMetrics(runId: string, from: number): Promise<void> {
  const db = await openPlaygroundDb();
  await db.delete('metrics', runRange(runId, from));
}

export async function putCheckpoint(ckpt: StoredCheckpoint): Promise<void> {
  const db = await openPlaygroundDb();
  await db.put('checkpoints', ckpt);
}

export async function getCheckpoint(runId: string): Promise<StoredCheckpoint | undefined> {
  const db = await openPlaygroundDb();
  return db.get('checkpoints', runId);
}

export async function deleteCheckpoint(runId: string): Promise<void> {
  const db = await openPlaygroundDb();
  await db.delete('checkpoints', runId);
}

/** Everything about a run, for delete-with-undo. */
export interface RunSnapshot {
  run: StoredRun;
  metrics: MetricsRecord[];
  checkpoint?: StoredCheckpoint;
}

export async function deleteRunEverywhere(runId: string): Promise<RunSnapshot | null> {
  const db = await openPlaygroundDb();
  const run = await db.get('runs', runId);
  if (!run) return null;
  const [metrics, checkpoint] = await Promise.all([loadMetrics(runId), db.get('checkpoints', runId)]);
  const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
  await Promise.all([
    tx.objectStore('runs').delete(runId),
    tx.objectStore('metrics').delete(runRange(runId)),
    tx.objectStore('checkpoints').delete(runId),
    tx.done,
  ]);
  return { run, metrics, ...(checkpoint ? { checkpoint } : {}) };
}

export async function restoreRun(snapshot: RunSnapshot): Promise<void> {
  await putRun(snapshot.run);
  await appendMetrics(snapshot.run.id, snapshot.metrics);
  if (snapshot.checkpoint) await putCheckpoint(snapshot.checkpoint);
}
