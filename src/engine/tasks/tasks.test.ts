import { describe, expect, it } from 'vitest';
import { mixSeed } from '../random';
import { BOS, answerWords, decode, encode, formatResponse, isKnownWord } from '../tokenizer';
import { MAX_PROMPT_TOKENS, MAX_RESPONSE_TOKENS, TASKS, generateBatch, getTask, warmStartName } from './index';
import { TASK_IDS, type GenerateOptions, type Split } from './types';

const SPLITS: Split[] = ['id', 'ood', 'shift'];
const base = (seed: number): GenerateOptions => ({ seed, split: 'id', difficulty: 2, imageSize: 32, jitter: 0.5 });

describe.each(TASK_IDS)('task %s', (taskId) => {
  const task = getTask(taskId);

  it('has at least 3 levels and a title and description', () => {
    expect(task.id).toBe(taskId);
    expect(task.levels).toBeGreaterThanOrEqual(3);
    expect(task.title.length).toBeGreaterThan(0);
    expect(task.description.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives a bit-identical instance, another seed a different one', () => {
    for (const split of SPLITS) {
      for (let level = 1; level <= task.levels; level++) {
        const opts = { ...base(12345), split, difficulty: level, jitter: 1 };
        const a = task.generate(opts);
        const b = task.generate(opts);
        expect(b).toEqual(a);
        expect(Buffer.from(b.image.buffer).equals(Buffer.from(a.image.buffer))).toBe(true);
        const others = [1, 2, 3].map((s) => task.generate({ ...opts, seed: s }));
        expect(others.some((o) => !Buffer.from(o.image.buffer).equals(Buffer.from(a.image.buffer)))).toBe(true);
      }
    }
  });

  it('keeps every prompt within 8 tokens and every gold response within 24, all in the vocabulary', () => {
    for (const split of SPLITS) {
      for (let level = 1; level <= task.levels; level++) {
        for (const imageSize of [16, 32, 64]) {
          for (let seed = 0; seed < 150; seed++) {
            const inst = task.generate({ seed, split, difficulty: level, imageSize, jitter: seed % 3 === 0 ? 0 : 1 });
            expect(inst.promptTokens[0]).toBe(BOS);
            expect(inst.promptTokens.length).toBeLessThanOrEqual(MAX_PROMPT_TOKENS);
            expect(encode(decode(inst.promptTokens))).toEqual(inst.promptTokens);
            expect(inst.goldTrace.every(isKnownWord)).toBe(true);
            expect(answerWords(inst.answer)).toHaveLength(task.answerLength);
            expect(answerWords(inst.answer).every(isKnownWord)).toBe(true);
            expect(formatResponse(inst.goldTrace, inst.answer).length).toBeLessThanOrEqual(MAX_RESPONSE_TOKENS);
            expect(inst.image.length).toBe(imageSize * imageSize * 3);
            expect(inst).toMatchObject({ taskId, seed, split, difficulty: level, imageSize });
          }
        }
      }
    }
  });

  it('draws in [0, 1] and draws something', () => {
    const inst = task.generate(base(7));
    expect(Math.min(...inst.image)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...inst.image)).toBeLessThanOrEqual(1);
    const distinct = new Set(Array.from({ length: inst.image.length / 3 }, (_, p) => inst.image.slice(p * 3, p * 3 + 3).join())).size;
    expect(distinct).toBeGreaterThan(1);
  });

  it('gives different images for different answers', () => {
    const byAnswer = new Map<string, Float32Array>();
    for (let seed = 0; seed < 40; seed++) {
      const inst = task.generate(base(seed));
      byAnswer.set(inst.answer, inst.image);
    }
    const images = [...byAnswer.values()].map((im) => Buffer.from(im.buffer).toString('base64'));
    expect(images.length).toBeGreaterThan(1);
    expect(new Set(images).size).toBe(images.length);
  });

  it('scores its own gold trace 1 and an empty or garbled trace 0, never throwing', () => {
    for (let seed = 0; seed < 50; seed++) {
      const inst = task.generate({ ...base(seed), split: seed % 2 ? 'ood' : 'id' });
      expect(task.scoreSteps(inst, inst.goldTrace)).toBe(1);
      expect(task.scoreSteps(inst, [])).toBe(0);
      expect(task.scoreSteps(inst, ['<pad>', '?', 'because', '', '=', '+'])).toBe(0);
      const s = task.scoreSteps(inst, inst.goldTrace.slice(0, 3));
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('rejects bad options with the task name in the message', () => {
    expect(() => task.generate({ ...base(1), difficulty: 0 })).toThrow(new RegExp(`Task "${taskId}": difficulty`));
    expect(() => task.generate({ ...base(1), difficulty: task.levels + 1 })).toThrow(/difficulty/);
    expect(() => task.generate({ ...base(1), imageSize: 8 })).toThrow(/imageSize/);
    expect(() => task.generate({ ...base(1), jitter: 1.5 })).toThrow(/jitter/);
    expect(() => task.generate({ ...base(1), split: 'test' as Split })).toThrow(/split/);
  });
});

describe('registry', () => {
  it('lists every task id', () => {
    expect(Object.keys(TASKS).sort()).toEqual([...TASK_IDS].sort());
  });

  it('names the valid ids when asked for an unknown task', () => {
    expect(() => getTask('counting')).toThrow('Unknown task "counting": valid tasks are "count", "digit-sum", "compare", "area", "motion", "click", "locate".');
  });

  it('generates a batch with seeds mixSeed(seedBase, k)', () => {
    const batch = generateBatch(TASKS['digit-sum'], { count: 5, seedBase: 99, split: 'ood', difficulty: 3, imageSize: 32, jitter: 0.2 });
    expect(batch.map((b) => b.seed)).toEqual([0, 1, 2, 3, 4].map((k) => mixSeed(99, k)));
    expect(batch[2]).toEqual(TASKS['digit-sum'].generate({ seed: mixSeed(99, 2), split: 'ood', difficulty: 3, imageSize: 32, jitter: 0.2 }));
    expect(generateBatch(TASKS.count, { count: 0, seedBase: 1, split: 'id', difficulty: 1, imageSize: 32, jitter: 0 })).toEqual([]);
  });
});

describe('warmStartName', () => {
  it("is the task's own checkpoint, or <task>-verbose for a task with verbose traces when asked", () => {
    expect(warmStartName({ task: 'digit-sum' })).toBe('digit-sum');
    expect(warmStartName({ task: 'digit-sum', verbose: false })).toBe('digit-sum');
    expect(warmStartName({ task: 'digit-sum', verbose: true })).toBe('digit-sum-verbose');
    expect(warmStartName({ task: 'count', verbose: true })).toBe('count'); // no verbose style (the config refuses it anyway)
  });
});
