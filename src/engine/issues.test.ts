// zod errors reach people as sentences ("field: Message."), never as zod's JSON.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunConfigSchema } from './config';
import { errorText, parseOrExplain, zodSentences } from './issues';

const isJson = (s: string) => /^\s*[[{]/.test(s) || s.includes('"code"');

describe('zodSentences / parseOrExplain', () => {
  it('says "path: Message." for each issue, the first five spelled out', () => {
    const r = RunConfigSchema.safeParse({ sampling: { groupSize: 0, temperature: 'hot' }, objective: { klMode: 'sideways' }, run: { seed: 1.5 } });
    expect(r.success).toBe(false);
    const text = zodSentences(r.error!);
    expect(text).toContain('sampling.groupSize: Must be at least 1.');
    expect(text).toContain('objective.klMode: Must be one of: loss, reward.');
    expect(text).toContain('run.seed: Must be a whole number.');
    expect(isJson(text)).toBe(false);
    const many = z.object(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, z.number()]))).safeParse({});
    expect(zodSentences(many.error!)).toMatch(/f4: .*…and 3 more\.$/);
  });

  it('throws an Error whose message is a sentence, with the cross-field rule at its field', () => {
    expect(() => parseOrExplain(RunConfigSchema, { objective: { algorithm: 'rloo' }, sampling: { groupSize: 1 } }, 'Invalid config')).toThrow(
      /^Invalid config: sampling\.groupSize: RLOO needs at least 2 samples per prompt/,
    );
    try {
      parseOrExplain(RunConfigSchema, { name: 5 }, 'Invalid config');
    } catch (e) {
      expect(isJson((e as Error).message.replace(/^Invalid config: /, ''))).toBe(false);
    }
  });
});

describe('errorText', () => {
  it("turns a ZodError, or zod's issue JSON that crossed the worker boundary as a plain Error, into sentences", () => {
    const r = RunConfigSchema.safeParse({ name: 'x'.repeat(300) });
    expect(errorText(r.error)).toBe('name: Must be at most 200 characters long.');
    // comlink sends an Error's name and message: the message is zod's JSON.
    expect(errorText(new Error(r.error!.message))).toBe('name: Must be at most 200 characters long.');
    expect(errorText(new Error('disk full'))).toBe('disk full');
    expect(errorText(new Error('[1, 2]'))).toBe('[1, 2]');
    expect(errorText('plain')).toBe('plain');
  });
});
