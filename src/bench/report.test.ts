import { describe, expect, it } from 'vitest';
import { resultsMarkdown } from './report';
import { BenchEntrySchema, type BenchEntry } from './schema';

const generation: BenchEntry = BenchEntrySchema.parse({
  env: 'node',
  backend: 'wasm',
  measuredAt: '2026-01-01T00:00:00.000Z',
  machine: '2 x cpu, Node v20',
  prompts: 8,
  groupSize: 8,
  newTokens: 24,
  tokensPerSec: { kvShared: 9000, kvUnshared: 7000, recompute: 500 },
  kvSpeedup: 14,
  prefixShareSpeedup: 1.29,
});

const full: BenchEntry = BenchEntrySchema.parse({
  ...generation,
  env: 'browser',
  machine: '2 x cpu, Node v20; headless Chromium 156',
  notes: ['a note'],
  iterationMs: 900,
  iterationsPerSec: 1.11,
  phaseMs: { generation: 200, reward: 1, logprob: 170, update: 500, other: 29 },
  readbacksPerIteration: 2,
  dispatchesPerIteration: 7672,
  phaseDispatches: { rollout: 4464, logprob: 592, update: 2616 },
  dispatchesPerDecodeStep: 186,
  uploadsPerIteration: 700,
  uploadBytesPerIteration: 2048,
  flopsPerIteration: 3.8e9,
  matmulGflops: 30,
  dispatchFloorUs: 4,
  efficiency: 0.15,
  phaseEfficiency: { rollout: 0.1, passes: 0.17, logprob: 0.15, update: 0.18 },
  tensorsGrowth: 0,
  bytesGrowth: 0,
  fps: 54,
  longestTaskMs: 400,
});

describe('resultsMarkdown', () => {
  it('renders generation-only entries without the iteration table', () => {
    const md = resultsMarkdown([generation]);
    expect(md).toContain('| node | wasm | 8 x 8 | 7000 | 9000 | 500 | 14.00x | 1.29x |');
    expect(md).not.toContain('iteration ms');
  });

  it('renders the iteration table, each machine once and each note once with its entries', () => {
    const md = resultsMarkdown([generation, full, { ...full, backend: 'webgl' }]);
    expect(md).toContain('| browser | wasm | 900 | 200 / 1.0 / 170 / 500 | 1.11 | 2 | 7672 | 3800 | 30.00 | 4.0 | 15% (10% / 15% / 18%) | 0 | +0.0 KiB | 54.0 | 400 |');
    expect(md).toContain('Measured on 2 x cpu, Node v20; headless Chromium 156.');
    expect(md).toContain('| browser | wasm | 7672 | 4464 / 592 / 2616 | 186 | 2 | 700 | 2.0 |'); // the counts table
    expect(md).toContain('- browser/wasm, browser/webgl: a note');
    expect(md).not.toContain('| node | wasm | — |'); // the generation-only entry has no iteration row
  });
});

describe('time to learn and threads in the report', () => {
  const learned: BenchEntry = BenchEntrySchema.parse({
    ...full,
    threads: 2,
    timeToLearnS: 61.5,
    timeToLearn: {
      margin: 0.15,
      evalN: 128,
      evalEvery: 10,
      maxIterations: 300,
      seeds: [
        { seed: 1, before: 0.4, reached: 0.56, iterations: 90, seconds: 61.5 },
        { seed: 2, before: 0.41, reached: 0.5, iterations: null, seconds: null },
      ],
    },
  });
  it('labels the backend with its threads and lists each seed, the unreached one as such', () => {
    const md = resultsMarkdown([learned]);
    expect(md).toContain('| browser | wasm (2 threads) | grpo | 62 | seed 1: 62 s, 90 it (40% → 56%); seed 2: not within 300 it (41% → 50%) |');
    expect(md).toContain('stands 15 points above the warm start');
    expect(md).toContain('| browser | wasm (2 threads) | 900 |');
  });
  it('leaves the section out when no entry measured it', () => {
    expect(resultsMarkdown([full])).not.toContain('Time to learn');
  });
});
