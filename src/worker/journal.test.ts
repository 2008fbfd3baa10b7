import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricsRecord } from '../engine/train/metrics';
import type { StoredCheckpoint } from './dbSchema';
import type { WorkerEvent } from './protocol';

/** The writer, faked: each call is logged, and a test can make the next commit fail or wait. */
const log: string[] = [];
let failNext: Error | null = null;
let gate: Promise<void> | null = null;

vi.mock('./db', () => {
  class StorageFullError extends Error {
    constructor(readonly what: string) {
      super(`Storage is full: ${what} could not be saved.`);
    }
  }
  return {
    StorageFullError,
    isQuotaError: (e: unknown) => e instanceof StorageFullError,
    commit: async (p: { runId: string; records: readonly MetricsRecord[]; checkpoint?: StoredCheckpoint }) => {
      if (gate) await gate;
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      log.push(`commit ${p.records.map((r) => r.iteration).join(',')}${p.checkpoint ? ` +ckpt ${p.checkpoint.iteration}` : ''}`);
      return true;
    },
    writeStatus: (_id: string, status: string) => Promise.resolve(void log.push(`status ${status}`)),
    truncateMetrics: (_id: string, from: number) => Promise.resolve(void log.push(`truncate ${from}`)),
    deleteCheckpoint: () => Promise.resolve(void log.push('delete checkpoint')),
  };
});

const { Journal } = await import('./journal');
const { StorageFullError } = await import('./db');

const rec = (iteration: number): MetricsRecord => ({ iteration, wallMs: iteration, klEstimator: 'k3', difficulty: 1, values: {} });
const ckpt = (iteration: number): StoredCheckpoint => ({ runId: 'r', iteration, wallMs: iteration, savedAt: 0, artifacts: { modelTopology: {} } });

function journal() {
  const events: WorkerEvent[] = [];
  const onFull = vi.fn();
  const j = new Journal((e) => {
    events.push(e);
    log.push(`emit ${e.type}`);
  }, onFull);
  return { j, events, onFull };
}

beforeEach(() => {
  log.length = 0;
  failNext = null;
  gate = null;
});

describe('the journal: the worker writes, then tells', () => {
  it('stores metrics and a status before sending them, in the order they happened', async () => {
    const { j } = journal();
    j.metrics('r', [rec(1), rec(2)]);
    j.status('r', 'paused', 2);
    await j.serial(() => Promise.resolve());
    expect(log).toEqual(['commit 1,2', 'emit metrics', 'status paused', 'emit status']);
  });

  it('sends an event with nothing to store in its turn, never ahead of a status still being stored', async () => {
    const { j, events } = journal();
    j.status('r', 'running', 0);
    j.send({ type: 'note', runId: 'r', note: 'after' });
    await j.serial(() => Promise.resolve());
    expect(events.map((e) => e.type)).toEqual(['status', 'note']);
    expect(log).toEqual(['status running', 'emit status', 'emit note']);
  });

  it('writes a checkpoint with the records not saved yet, in one commit', async () => {
    const { j } = journal();
    await j.checkpoint('r', [rec(9), rec(10)], ckpt(10));
    expect(log).toEqual(['commit 9,10 +ckpt 10', 'emit metrics', 'emit checkpoint']);
  });

  it('keeps records that arrive while a commit runs for the next one', async () => {
    const { j } = journal();
    let open = () => undefined as void;
    gate = new Promise((resolve) => (open = resolve));
    j.metrics('r', [rec(1)]);
    await Promise.resolve();
    j.metrics('r', [rec(2)]);
    gate = null;
    open();
    await j.checkpoint('r', [], ckpt(2));
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 1', 'commit 2', 'commit  +ckpt 2']);
  });

  it('on a full quota: says what was lost, holds what follows, refuses checkpoints, and retry writes it all', async () => {
    const { j, events, onFull } = journal();
    failNext = new StorageFullError('the metrics of iteration 1');
    j.metrics('r', [rec(1)]);
    j.metrics('r', [rec(2)]);
    await expect(j.checkpoint('r', [rec(3)], ckpt(3))).rejects.toThrow('the checkpoint at iteration 3');
    expect(onFull).toHaveBeenCalledOnce();
    expect(events.filter((e) => e.type === 'storage')).toEqual([{ type: 'storage', full: true, what: 'the metrics of iteration 1', message: 'Storage is full: the metrics of iteration 1 could not be saved.' }]);
    expect(log.filter((l) => l.startsWith('commit'))).toEqual([]);
    // The page was shown every record all the same.
    expect(events.filter((e) => e.type === 'metrics').flatMap((e) => (e.type === 'metrics' ? e.records.map((r) => r.iteration) : []))).toEqual([1, 2, 3]);
    expect(await j.retry()).toBeNull();
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 1,2,3']);
  });

  it('a cut-back drops held records past it, and a fresh start its checkpoint', async () => {
    const { j } = journal();
    failNext = new StorageFullError('x');
    j.metrics('r', [rec(1), rec(2)]);
    await j.truncate('r', 1);
    expect(await j.retry()).toBeNull();
    expect(log.filter((l) => !l.startsWith('emit'))).toEqual(['delete checkpoint', 'truncate 1']);
  });
});
