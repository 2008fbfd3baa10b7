import { describe, expect, it } from 'vitest';
import { EOS, PAD, VOCAB_SIZE, encode } from '../tokenizer';
import { parseResponse } from './parse';

const parse = (text: string, tail: number[] = []): ReturnType<typeof parseResponse> => parseResponse([...encode(text), ...tail]);

describe('parseResponse', () => {
  it('parses a well-formed response, ignoring the padding after <eos>', () => {
    expect(parse('<think> 3 + 4 = 7 </think> <answer> 7 </answer> <eos>', [PAD, PAD, PAD])).toEqual({
      trace: ['3', '+', '4', '=', '7'],
      answer: '7',
      wellFormed: true,
      eosReached: true,
      length: 11,
    });
  });

  it('accepts an empty trace as well formed', () => {
    expect(parse('<think> </think> <answer> red </answer> <eos>')).toMatchObject({ trace: [], answer: 'red', wellFormed: true, length: 6 });
  });

  it('reads the answer without think tags, but the response is not well formed', () => {
    expect(parse('<answer> 7 </answer> <eos>')).toEqual({ trace: null, answer: '7', wellFormed: false, eosReached: true, length: 4 });
  });

  it('joins a multi-word answer and rejects it as malformed', () => {
    expect(parse('<think> 3 </think> <answer> 3 4 </answer> <eos>')).toMatchObject({ answer: '3 4', wellFormed: false });
    expect(parse('<think> 3 </think> <answer> </answer> <eos>')).toMatchObject({ answer: null, wellFormed: false });
  });

  it('finds no answer when the tags are out of order or missing', () => {
    expect(parse('<think> 3 </think> </answer> 7 <answer> <eos>')).toMatchObject({ trace: ['3'], answer: null, wellFormed: false });
    expect(parse('</think> 3 <think> <answer> 7 </answer> <eos>')).toMatchObject({ trace: null, answer: '7', wellFormed: false });
    expect(parse('7 <eos>')).toMatchObject({ trace: null, answer: null, wellFormed: false, length: 2 });
  });

  it('is not well formed with anything before <think>, between the blocks, or after </answer>', () => {
    expect(parse('because <think> 3 </think> <answer> 3 </answer> <eos>').wellFormed).toBe(false);
    expect(parse('<think> 3 </think> 3 <answer> 3 </answer> <eos>').wellFormed).toBe(false);
    expect(parse('<think> 3 </think> <answer> 3 </answer> 3 <eos>').wellFormed).toBe(false);
    expect(parse('<think> 3 <think> </think> <answer> 3 </answer> <eos>').wellFormed).toBe(false);
    expect(parse('<think> 3 </think> <answer> 3 </answer> <answer> 3 </answer> <eos>').wellFormed).toBe(false);
    expect(parse('<think> 3 </think> <answer> <pad> </answer> <eos>').wellFormed).toBe(false);
  });

  it('reports a truncated response: no <eos>, length is everything', () => {
    expect(parse('<think> 1 2 3 4 5 6')).toEqual({ trace: null, answer: null, wellFormed: false, eosReached: false, length: 7 });
    expect(parse('<think> 1 </think> <answer> 1 </answer>')).toMatchObject({ answer: '1', wellFormed: false, eosReached: false, length: 6 });
  });

  it('handles the empty response and ids outside the vocabulary without throwing', () => {
    expect(parseResponse([])).toEqual({ trace: null, answer: null, wellFormed: false, eosReached: false, length: 0 });
    expect(parseResponse([EOS])).toEqual({ trace: null, answer: null, wellFormed: false, eosReached: true, length: 1 });
    const bad = parseResponse([...encode('<think> 3 </think> <answer>'), VOCAB_SIZE + 5, ...encode('</answer> <eos>')]);
    expect(bad.wellFormed).toBe(false);
    expect(bad.answer).not.toBeNull();
  });
});
