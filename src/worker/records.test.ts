/**
 * The page's writes as the worker answers them (records.ts), with storage faked: an import goes
 * from the File to one stored run (marked imported, at its last record's iteration), a cancel
 * sent while it runs stops it with nothing stored, and a change to a run that is not stored is
 * refused in a sentence instead of answered "saved".
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../engine/config';
import type { MetricsRecord } from '../engine/train/metrics';
import type { StoredRun } from './dbSchema';
import type { ImportProgress } from './importProtocol';
import type { Runner } from './runner';

const imported: { run: StoredRun; metrics: readonly MetricsRecord[] }[] = [];
const stored = new Map<string, StoredRun>();

vi.mock('./db', () => ({
  StorageFullError: class extends Error {},
  isQuotaError: () => false,
  compactMetrics: vi.fn(),
  createRun: vi.fn(),
  deleteRun: vi.fn(),
  failNextWrites: vi.fn(),
  restoreRun: vi.fn(),
  importRun: (run: StoredRun, metrics: readonly MetricsRecord[]) => Promise.resolve(void imported.push({ run, metrics })),
  updateRunFields: (runId: string, fields: Partial<StoredRun>) => {
    const run = stored.get(runId);
    if (run) stored.set(runId, { ...run, ...fields });
    return Promise.resolve(run !== undefined);
  },
}));
vi.mock('./queries', () => ({ getRun: (runId: string) => Promise.resolve(stored.get(runId)) }));

const { recordsApi, RUN_GONE } = await import('./records');

/** The runner as records.ts uses it: its journal runs each write in turn. */
const runner = { journal: { serial: <T>(body: () => Promise<T>) => body() } } as unknown as Runner;

const rec = (iteration: number): MetricsRecord => ({ iteration, wallMs: iteration * 10, klEstimator: 'k3', difficulty: 1, values: { 'reward/mean': 0.5 } });
const fileText = (n: number) =>
  JSON.stringify({
    format: 'rft-playground/run',
    version: 1,
    run: { name: 'from a file', status: 'done', createdAt: 1, iteration: n, wallMs: n * 10 },
    config: DEFAULT_RUN_CONFIG,
    metrics: Array.from({ length: n }, (_, i) => rec(i + 1)),
  });
const request = (id: string, text: string) => ({ id, file: new Blob([text]), fileName: 'run.json', usedColors: [], color: '#56B4E9' });

beforeEach(() => {
  imported.length = 0;
  stored.clear();
});

describe('records: imports through the worker', () => {
  it('stores an imported file as one run, marked imported, at its last record', async () => {
    const api = recordsApi(runner);
    const result = await api.importFile(request('a', fileText(3)));
    expect(result).toEqual({ ok: true, id: 'a', name: 'from a file', records: 3 });
    expect(imported).toHaveLength(1);
    expect(imported[0]!.run).toMatchObject({ id: 'a', imported: true, iteration: 3, wallMs: 30, status: 'done', color: '#56B4E9' });
    expect(imported[0]!.run).not.toHaveProperty('checkpointIteration');
  });

  it('cancelImport while the records are checked stops the import; nothing is stored; the id is free again', async () => {
    const api = recordsApi(runner);
    const onProgress = (p: ImportProgress) => {
      if (p.phase === 'validating') void api.cancelImport('b');
    };
    const result = await api.importFile(request('b', fileText(4100)), onProgress);
    expect(result).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(imported).toEqual([]);
    // A cancel for an import that is not running is forgotten: it does not stop a later one.
    await api.cancelImport('c');
    expect(await api.importFile(request('c', fileText(2)))).toMatchObject({ ok: true });
  });

  it('refuses a request that is not a file, in a sentence naming the field', async () => {
    const api = recordsApi(runner);
    await expect(api.importFile({ ...request('d', ''), file: 'text' as unknown as Blob })).rejects.toThrow(/^Invalid import request: file: /);
    expect(imported).toEqual([]);
  });
});

describe('records: updateRun', () => {
  it('saves a change to a stored run, and refuses one to a run that is not stored, in a sentence', async () => {
    const api = recordsApi(runner);
    stored.set('x', { id: 'x', name: 'kept', config: DEFAULT_RUN_CONFIG, status: 'stopped', color: '#000000', visible: true, createdAt: 1, iteration: 0, wallMs: 0 });
    expect(await api.updateRun('x', { name: 'renamed' })).toEqual({ ok: true });
    expect(stored.get('x')!.name).toBe('renamed');
    expect(await api.updateRun('gone', { name: 'renamed' })).toEqual({ ok: false, full: false, what: 'the run "renamed"', message: RUN_GONE });
  });
});
