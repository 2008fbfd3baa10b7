import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from './config';
import { parseResponse } from './rewards/parse';
import { TASKS } from './tasks';
import { BASE_VOCAB_SIZE, EXTRA_WORDS, VOCAB, VOCAB_SIZE, answerWords, encode, formatResponse } from './tokenizer';

describe('two vocabularies in one id space', () => {
  it('keeps every base id where the warm starts learned it: 68 words, "because" last', () => {
    expect(BASE_VOCAB_SIZE).toBe(68);
    expect(VOCAB[0]).toBe('<pad>');
    expect(VOCAB[67]).toBe('because');
    expect(VOCAB.slice(BASE_VOCAB_SIZE)).toEqual([...EXTRA_WORDS]);
    expect(VOCAB_SIZE).toBe(68 + EXTRA_WORDS.length);
    expect(new Set(VOCAB).size).toBe(VOCAB.length);
  });

  it('the single-image tasks stay on the base vocabulary, and a run\'s model follows its task', () => {
    for (const id of ['count', 'digit-sum', 'compare', 'area'] as const) expect(TASKS[id].vocabSize).toBe(BASE_VOCAB_SIZE);
    // Whatever a saved config says, the model's vocabulary is the task's.
    const c = RunConfigSchema.parse({ task: { task: 'count' }, model: { vocabSize: VOCAB_SIZE } });
    expect(c.model.vocabSize).toBe(BASE_VOCAB_SIZE);
  });
});

describe('multi-word answers', () => {
  it('formatResponse writes every answer word between the tags', () => {
    expect(answerWords(' click  12 20 ')).toEqual(['click', '12', '20']);
    expect(formatResponse(['red', 'square'], 'click 12 20')).toEqual(encode('<think> red square </think> <answer> click 12 20 </answer> <eos>'));
  });

  it('parseResponse is well formed only with the task\'s number of answer words', () => {
    const three = encode('<think> red </think> <answer> click 12 20 </answer> <eos>');
    expect(parseResponse(three, 3)).toMatchObject({ answer: 'click 12 20', wellFormed: true });
    expect(parseResponse(three, 1)).toMatchObject({ answer: 'click 12 20', wellFormed: false });
    const two = encode('<think> red </think> <answer> click 12 </answer> <eos>');
    expect(parseResponse(two, 3).wellFormed).toBe(false);
    // One-word tasks keep the old rule (the default).
    expect(parseResponse(encode('<think> 3 </think> <answer> 3 </answer> <eos>')).wellFormed).toBe(true);
    expect(parseResponse(encode('<think> 3 </think> <answer> 3 4 </answer> <eos>')).wellFormed).toBe(false);
  });
});
