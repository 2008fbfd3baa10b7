/**
 * A word-level vocabulary and the output grammar
 *   <think> step step ... </think> <answer> X ... </answer> <eos>
 * Numbers 0..36 are single tokens: the largest answer any task asks for is a 6x6 area.
 *
 * Two vocabularies share one id space. The BASE one (the first 68 words) is what the four
 * single-image tasks (count, digit-sum, compare, area) and their warm starts were built on;
 * the FULL one appends the words the frame-sequence, GUI and grounding tasks need (directions,
 * `click`, `where`, ...). Appending keeps every base id, so a base model and its checkpoints,
 * reference runs and seeded samples are unchanged; a task declares which one it needs
 * (TaskDef.vocabSize) and the run's model is built with that many rows.
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

/**
 * Appended after the base vocabulary, never reordered (ids are baked into checkpoints):
 * directions and frame words for `motion`, the action word for `click`, the question word for
 * `locate`, and a few connectives their prompts and traces share.
 */
export const EXTRA_WORDS = ['up', 'down', 'right', 'way', 'move', 'moves', 'frames', 'frame', 'click', 'where', 'box', 'at', 'in', 'to', 'still', 'none'] as const;

const BASE_VOCAB: readonly string[] = [...SPECIAL_TOKENS, ...NUMBERS, ...OPERATORS, ...COLORS, ...SHAPES, ...WORDS];
/** Rows of a base-vocabulary model (the four single-image tasks and their warm starts). */
export const BASE_VOCAB_SIZE = BASE_VOCAB.length;
export const VOCAB: readonly string[] = [...BASE_VOCAB, ...EXTRA_WORDS];
/** Rows of a full-vocabulary model; every id a tokenizer call can return is below it. */
export const VOCAB_SIZE = VOCAB.length;
/** The two model vocabulary sizes a run can have. */
export const VOCAB_SIZES = [BASE_VOCAB_SIZE, VOCAB_SIZE] as const;
export type VocabSize = (typeof VOCAB_SIZES)[number];

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

/** An answer's words: "click 12 20" -> ['click', '12', '20']; a one-word answer is one word. */
export function answerWords(answer: string): string[] {
  return answer.trim().split(/\s+/).filter((w) => w.length > 0);
}

/**
 * The response a perfect policy writes: `<think> trace </think> <answer> answer </answer> <eos>`,
 * the answer being one or more words ("7", "click 12 20", "3 4 2 2").
 * SFT trains on exactly this; rewards parse it back.
 */
export function formatResponse(trace: readonly string[], answer: string): number[] {
  return [THINK, ...trace.map(id), THINK_END, ANSWER, ...answerWords(answer).map(id), ANSWER_END, EOS];
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
