/**
 * A word-level vocabulary of ~67 tokens and the output grammar
 *   <think> step step ... </think> <answer> X </answer> <eos>
 * Numbers 0..36 are single tokens: the largest answer any task asks for is a 6x6 area.
 */

export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<think>', '</think>', '<answer>', '</answer>'] as const;
export const MAX_NUMBER = 36;
const NUMBERS = Array.from({ length: MAX_NUMBER + 1 }, (_, i) => String(i));
export const OPERATORS = ['+', '=', 'x'] as const;
export const COLORS = ['red', 'green', 'blue', 'yellow'] as const;
export const SHAPES = ['circle', 'square', 'triangle'] as const;
/** Prompt words, plus "because": the token the deliberately hackable reward pays for. */
export const WORDS = ['how', 'many', 'sum', 'of', 'digits', 'which', 'is', 'larger', 'left', 'area', 'width', 'height', '?', 'because'] as const;

export type Color = (typeof COLORS)[number];
export type Shape = (typeof SHAPES)[number];

export const VOCAB: readonly string[] = [...SPECIAL_TOKENS, ...NUMBERS, ...OPERATORS, ...COLORS, ...SHAPES, ...WORDS];
export const VOCAB_SIZE = VOCAB.length;

const ID_OF = new Map<string, number>(VOCAB.map((w, i) => [w, i]));

/** Id of a word that is known to be in the vocabulary (a typo here is a programming error). */
export function id(word: string): number {
  const i = ID_OF.get(word);
  if (i === undefined) throw new Error(`Unknown token "${word}": it is not in the ${VOCAB_SIZE}-word vocabulary.`);
  return i;
}

export const PAD = id('<pad>');
export const BOS = id('<bos>');
export const EOS = id('<eos>');
export const THINK = id('<think>');
export const THINK_END = id('</think>');
export const ANSWER = id('<answer>');
export const ANSWER_END = id('</answer>');

export function isKnownWord(word: string): boolean {
  return ID_OF.has(word);
}

/** Whitespace-separated words -> ids. Throws on an unknown word and names it. */
export function encode(text: string): number[] {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  return words.map((w, pos) => {
    const i = ID_OF.get(w);
    if (i === undefined) throw new Error(`Unknown word "${w}" at position ${pos}: it is not in the ${VOCAB_SIZE}-word vocabulary.`);
    return i;
  });
}

/** Ids -> text. `<pad>` is dropped unless asked for; an id out of range is an error. */
export function decode(ids: ArrayLike<number>, opts: { keepPad?: boolean } = {}): string {
  const out: string[] = [];
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k]!;
    const w = VOCAB[i];
    if (w === undefined) throw new Error(`Token id ${i} at position ${k} is outside the vocabulary (0..${VOCAB_SIZE - 1}).`);
    if (i === PAD && !opts.keepPad) continue;
    out.push(w);
  }
  return out.join(' ');
}

export function numberToken(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_NUMBER) throw new Error(`No token for the number ${n}: numbers run 0..${MAX_NUMBER}.`);
  return id(String(n));
}

/** The number a token stands for, or null if it is not a number token. */
export function tokenNumber(tokenId: number): number | null {
  const w = VOCAB[tokenId];
  if (w === undefined || !/^\d+$/.test(w)) return null;
  return Number(w);
}

/**
 * The response a perfect policy writes: `<think> trace </think> <answer> answer </answer> <eos>`.
 * SFT trains on exactly this; rewards parse it back.
 */
export function formatResponse(trace: readonly string[], answer: string): number[] {
  return [THINK, ...trace.map(id), THINK_END, ANSWER, id(answer), ANSWER_END, EOS];
}

/** Left-pad (or refuse) a prompt to a fixed length so positions mean the same thing in every batch. */
export function padPrompt(prompt: readonly number[], length: number): number[] {
  if (prompt.length > length) throw new Error(`Prompt of ${prompt.length} tokens is longer than the model's promptLen ${length}.`);
  return [...new Array<number>(length - prompt.length).fill(PAD), ...prompt];
}

/** Cut a response at its first <eos> (inclusive); the rest is padding the model generated past the end. */
export function truncateAtEos(ids: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let k = 0; k < ids.length; k++) {
    out.push(ids[k]!);
    if (ids[k] === EOS) break;
  }
  return out;
}
