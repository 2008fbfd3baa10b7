import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Policy } from '../model';
import { TINY_CONFIG } from '../model/testing';
import { TASKS } from '../tasks';
import { SPLITS } from '../tasks/types';
import { crossTaskEvaluation, tasksForVocab } from './crossTask';
import { evaluate } from './evaluate';

describe('crossTaskEvaluation (tiny policy, cpu)', () => {
  const policy = Policy.create({ ...TINY_CONFIG, promptLen: 8 }, 3);
  afterAll(() => policy.dispose());
  const opts = { n: 1, difficulty: 1, imageSize: 16, jitter: 0.5, maxNewTokens: 4 };

  it('gives one cell per task and split, each the greedy evaluation of that split, with progress to the end and no leak', async () => {
    const seen: [number, number][] = [];
    const before = tf.memory().numTensors;
    const cells = await crossTaskEvaluation(policy, { ...opts, onProgress: (d, t) => seen.push([d, t]) });
    expect(tf.memory().numTensors).toBe(before);
    // The tasks of the model's vocabulary: a base-vocabulary model is asked the four single-image tasks, not click.
    expect(cells.map((c) => `${c.task}/${c.split}`)).toEqual(tasksForVocab(policy.config.vocabSize).flatMap((t) => SPLITS.map((s) => `${t}/${s}`)));
    expect(seen.at(-1)).toEqual([12, 12]);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));
    // A cell is exactly what evaluate() says for that task and split.
    const one = await evaluate(policy, TASKS.compare, { ...opts, split: 'shift', mode: { kind: 'greedy' } });
    expect(cells.find((c) => c.task === 'compare' && c.split === 'shift')).toEqual({ task: 'compare', split: 'shift', n: 1, accuracy: one.accuracy, formatRate: one.formatRate });
  });
});
