import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RUN_CONFIG, RunConfigSchema } from '../engine/config';
import type { MetricsRecord } from '../engine/train/metrics';
import type { RunSnapshot, StoredCheckpoint, StoredRun } from './dbSchema';
import type { WorkerEvent } from './protocol';

/** Storage, faked: what forkRun writes is logged; the source run is read from `stored`. */
const restored: RunSnapshot[] = [];
let stored: RunSnapshot | null = null;

vi.mock('./db', () => ({ restoreRun: (s: RunSnapshot) => Promise.resolve(void restored.push(s)) }));
vi.mock('./queries', () => ({
  getRun: (id: string) => Promise.resolve(stored?.run.id === id ? stored.run : undefined),
  snapshotRun: (id: string) => Promise.resolve(stored?.run.id === id ? stored : null),
}));

const { forkRun, sampleOwn } = await import('./tools');
type RunnerLike = Parameters<typeof forkRun>[0];

const rec = (iteration: number): MetricsRecord => ({ iteration, wallMs: iteration, klEstimator: 'k3', difficulty: 1, values: {} });
const ckpt: StoredCheckpoint = { runId: 'src', iteration: 4, wallMs: 40, savedAt: 1, artifacts: { modelTopology: {} } };
const source: StoredRun = { id: 'src', name: 'Source', config: DEFAULT_RUN_CONFIG, status: 'paused', color: '#111', visible: false, createdAt: 0, iteration: 6, wallMs: 60, group: 'old' };

/** The runner's part: the newest checkpoint, a journal that writes at once, the notes it sends. */
function runner(): { r: RunnerLike; notes: WorkerEvent[] } {
  const notes: WorkerEvent[] = [];
  const r = {
    latestCheckpoint: <T>(_id: string, fn: (c: StoredCheckpoint) => Promise<T>) => fn(ckpt),
    policyOf: () => Promise.resolve({ policy: { config: { promptLen: 8 } }, iteration: 4 }),
    journal: { serial: <T>(fn: () => Promise<T>) => fn(), send: (e: WorkerEvent) => void notes.push(e) },
  };
  return { r: r as unknown as RunnerLike, notes };
}

const request = (configB = { ...DEFAULT_RUN_CONFIG, objective: { ...DEFAULT_RUN_CONFIG.objective, epsHigh: 0.28 } }) => ({
  a: { id: 'A', name: 'Source · A', color: '#a00' },
  b: { id: 'B', name: 'Source · B', color: '#0a0', config: configB },
  group: 'fork-x',
  knob: 'objective.epsHigh: 0.2 → 0.28',
  extra: 5,
});

beforeEach(() => {
  restored.length = 0;
  stored = { run: source, metrics: [1, 2, 3, 4, 5, 6].map(rec), checkpoint: ckpt };
});

describe('forkRun', () => {
  it('writes A and B from the checkpoint: its weights, the history up to it, a new group, not live', async () => {
    const { r, notes } = runner();
    expect(await forkRun(r, 'src', request())).toEqual({ iteration: 4 });
    expect(restored.map((s) => s.run.id)).toEqual(['A', 'B']);
    for (const s of restored) {
      expect(s.metrics.map((m) => m.iteration)).toEqual([1, 2, 3, 4]);
      expect(s.checkpoint).toEqual({ ...ckpt, runId: s.run.id });
      expect(s.run).toMatchObject({ status: 'stopped', group: 'fork-x', visible: true });
      expect(s.run.config.run.iterations).toBe(9);
      expect(RunConfigSchema.parse(s.run.config)).toEqual(s.run.config);
    }
    expect(restored[0]!.run.config.objective).toEqual(DEFAULT_RUN_CONFIG.objective);
    expect(restored[1]!.run.config.objective.epsHigh).toBe(0.28);
    expect(notes.map((n) => (n.type === 'note' ? n.note : ''))).toEqual([
      'Forked from "Source" at iteration 4 (A: unchanged); Adam\'s moments start afresh.',
      'Forked from "Source" at iteration 4 (B: objective.epsHigh: 0.2 → 0.28); Adam\'s moments start afresh.',
    ]);
  });

  it('refuses to change what the weights fix, and a bad request, with a sentence', async () => {
    const { r } = runner();
    const model = { ...DEFAULT_RUN_CONFIG, model: { ...DEFAULT_RUN_CONFIG.model, nLayers: DEFAULT_RUN_CONFIG.model.nLayers + 1 } };
    await expect(forkRun(r, 'src', request(RunConfigSchema.parse(model)))).rejects.toThrow(/cannot change the task, the image size or the model/);
    await expect(forkRun(r, 'src', { ...request(), extra: 0 })).rejects.toThrow();
    expect(restored).toEqual([]);
  });
});

describe('sampleOwn', () => {
  it('names the words the model does not know before sampling anything', async () => {
    const { r } = runner();
    const size = DEFAULT_RUN_CONFIG.task.imageSize;
    const image = new Float32Array(size * size * 3);
    await expect(sampleOwn(r, 'src', { image, imageSize: size, question: 'how many purple blob ?' })).rejects.toThrow('The model does not know "purple", "blob"');
    await expect(sampleOwn(r, 'src', { image: new Float32Array(3), imageSize: 1, question: 'sum of digits ?' })).rejects.toThrow(/must be \d+ x \d+ RGB/);
    await expect(sampleOwn(r, 'src', { image, imageSize: size, question: 'sum of digits ?', gold: 'banana' })).rejects.toThrow(/"banana" is not a word/);
  });
});
