/**
 * Parse a generated response against the output grammar
 *   <think> trace </think> <answer> X </answer> <eos>
 * Never throws: a policy can emit anything, and every sample must still get a reward.
 */
import { ANSWER, ANSWER_END, EOS, SPECIAL_TOKENS, THINK, THINK_END, VOCAB } from '../tokenizer';

export interface ParsedResponse {
  /** Words between the first <think> and the first </think> after it; null if either is missing. */
  trace: string[] | null;
  /**
   * Words between the first <answer> and the first </answer> after it, joined by spaces
   * ("3" or, for a malformed "3 4", "3 4"); null if either tag is missing or nothing is between.
   */
  answer: string | null;
  /**
   * Exactly `<think> w* </think> <answer> X </answer> <eos>`: starts with <think>, each tag
   * once, X being exactly `answerLength` non-special words (the task's; 1 unless it says
   * otherwise), nothing but <eos> after </answer>. An empty trace is
   * well formed (as in DeepSeek-R1's format regex); the step reward is what asks for content.
   */
  wellFormed: boolean;
  /** An <eos> was generated; without it the response was cut off at maxNewTokens. */
  eosReached: boolean;
  /** Tokens up to and including the first <eos>, or all of them if there is none. */
  length: number;
}

const SPECIAL = new Set<string>(SPECIAL_TOKENS);

/** The word for an id; ids outside the vocabulary become a marker no task accepts. */
const wordOf = (id: number): string => VOCAB[id] ?? `<unk:${id}>`;
/** A word that may stand in the trace or as the answer: not a tag, not <pad>, not out of range. */
const plain = (w: string): boolean => !SPECIAL.has(w) && !w.startsWith('<unk:');

export function parseResponse(tokens: readonly number[], answerLength = 1): ParsedResponse {
  const eosAt = tokens.indexOf(EOS);
  const eosReached = eosAt >= 0;
  // Everything after <eos> is padding the sampler ran on with; it was never "said".
  const body = eosReached ? tokens.slice(0, eosAt) : [...tokens];
  const words = body.map(wordOf);

  const think = body.indexOf(THINK);
  const thinkEnd = think < 0 ? -1 : body.indexOf(THINK_END, think + 1);
  const trace = thinkEnd < 0 ? null : words.slice(think + 1, thinkEnd);

  const open = body.indexOf(ANSWER);
  const close = open < 0 ? -1 : body.indexOf(ANSWER_END, open + 1);
  const inner = close < 0 ? [] : words.slice(open + 1, close);
  const answer = inner.length === 0 ? null : inner.join(' ');

  const wellFormed =
    eosReached &&
    think === 0 &&
    trace !== null &&
    trace.every(plain) &&
    open === thinkEnd + 1 &&
    close === open + 1 + answerLength &&
    close === body.length - 1 &&
    inner.every(plain);

  return { trace, answer, wellFormed, eosReached, length: eosReached ? eosAt + 1 : tokens.length };
}
