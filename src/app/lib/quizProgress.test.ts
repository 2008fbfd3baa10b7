import { describe, expect, it } from 'vitest';
import { QUIZ_STORAGE_KEY, loadQuizProgress, saveQuizAnswer } from './quizProgress';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
};

describe('check-yourself progress', () => {
  it('keeps each question\'s last answer, right or wrong', () => {
    const s = memory();
    expect(loadQuizProgress(s)).toEqual({});
    saveQuizAnswer('kl/k3', false, s);
    expect(saveQuizAnswer('kl/k3', true, s)).toEqual({ 'kl/k3': true });
    saveQuizAnswer('gae/lambda', false, s);
    expect(loadQuizProgress(s)).toEqual({ 'kl/k3': true, 'gae/lambda': false });
  });

  it('a damaged or refusing storage forgets, and nothing throws', () => {
    const s = memory();
    s.m.set(QUIZ_STORAGE_KEY, '{not json');
    expect(loadQuizProgress(s)).toEqual({});
    s.m.set(QUIZ_STORAGE_KEY, '{"a": "yes"}'); // not a boolean: refused by the schema
    expect(loadQuizProgress(s)).toEqual({});
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(saveQuizAnswer('kl/k3', true, full)).toEqual({ 'kl/k3': true });
    expect(loadQuizProgress(undefined)).toEqual({});
  });
});
