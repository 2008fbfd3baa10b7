/**
 * digit-sum (the flagship): "sum of digits ?" over a row of digits drawn from a 3x5 font.
 * ID shows two digits, OOD ("novel answers") three: a longer chain of additions the model never practised.
 * Visual shift: the same two digits and sums, in another glyph style, an italic (each glyph
 * sheared DIGIT_SUM_SHIFT.slant font pixels to the right at its top), which no ID picture
 * has. Every stroke of every digit is still there, so a reader still reads the same digits.
 * Levels: 1 digits 0..4 in dark ink; 2 digits 0..9; 3 digits 0..9 in colours, with small
 * distractor shapes above or below the row.
 * Question formats (Curr-ReFT's staged formats, GenerateOptions.format): the open question
 * "sum of digits ?" (5 tokens with <bos>), or the same question followed by its candidate sums,
 * "sum of digits ? 5 7" (binary, 7 tokens) or "sum of digits ? 6 4 5" (choice, 8 tokens: the
 * most the 8 prompt positions hold), drawn by ./choice.ts among the sums the level can make.
 */
import { Rng, mixSeed } from '../random';
import { BASE_VOCAB_SIZE, BOS, COLORS, SHAPES, encode, numberToken } from '../tokenizer';
import { numberCandidates } from './choice';
import { GLYPH_HEIGHT, GLYPH_WIDTH } from './font';
import { INK, PALETTE, addNoise, createRaster, drawDigit, drawShape, jitterColor } from './raster';
import { QUESTION_FORMAT_CANDIDATES, type GenerateOptions, type KeyStep, type QuestionFormat, type TaskDef, type TaskInstance } from './types';

/** The visual-shift split's pictures (see the header): slant in font pixels (x scale), optional pixel noise. */
export const DIGIT_SUM_SHIFT: { slant: number; noise: number } = { slant: 0.5, noise: 0 };

/**
 * A closed question's fields: its candidate sums (among 0..count x the level's largest digit) from
 * their own random stream, so the picture, the answer and the trace stay the open instance's. Open: none.
 */
function closedQuestion(format: QuestionFormat, sum: number, count: number, maxDigit: number, seed: number): Pick<TaskInstance, 'format' | 'candidates'> {
  if (format === 'open') return {};
  const candidates = numberCandidates(sum, 0, count * maxDigit, QUESTION_FORMAT_CANDIDATES[format], new Rng(mixSeed(seed, 0xc401ce)));
  return { format, candidates: candidates.map(String) };
}

function generate({ seed, split, difficulty, imageSize, jitter, verbose = false, format = 'open' }: GenerateOptions): TaskInstance {
  const rng = new Rng(seed);
  const shift = split === 'shift';
  const count = split === 'ood' ? 3 : 2;
  const maxDigit = difficulty === 1 ? 4 : 9;
  const digits = Array.from({ length: count }, () => rng.int(0, maxDigit));

  // Integer scale keeps glyphs crisp: 2 at 32x32, where three 6-pixel digits fit with room to move.
  const scale = Math.max(1, Math.floor(imageSize / 16));
  const w = GLYPH_WIDTH * scale;
  const h = GLYPH_HEIGHT * scale;
  const slot = imageSize / count;
  // Whole-pixel moves, at most one font pixel less than half the spare room per side: neighbouring
  // digits always keep a gap of `scale` pixels, and the row never reaches the distractor bands.
  const maxDx = Math.max(0, Math.min(scale, Math.floor((Math.ceil(slot - 1) - w - scale) / 2)));
  const maxDy = 2 * scale;
  const move = (max: number): number => Math.round((rng.next() * 2 - 1) * max * jitter);
  const raster = createRaster(imageSize);
  digits.forEach((d, i) => {
    const x0 = Math.round(slot * (i + 0.5) - w / 2) + move(maxDx);
    const y0 = Math.round((imageSize - h) / 2) + move(maxDy);
    const ink = difficulty >= 3 ? jitterColor(PALETTE[rng.pick(COLORS)], rng, jitter) : INK;
    drawDigit(raster, d, x0, y0, scale, ink, shift ? Math.round(DIGIT_SUM_SHIFT.slant * scale) : 0);
  });

  if (difficulty >= 3) {
    const band = Math.floor((imageSize - h) / 2) - maxDy - 1;
    const size = 2 * scale;
    const bands = rng.shuffle([band / 2, imageSize - band / 2]).slice(0, rng.int(1, 2));
    for (const cy of bands) {
      const cx = size + rng.next() * (imageSize - 2 * size);
      drawShape(raster, rng.pick(SHAPES), cx, cy, size, jitterColor(PALETTE[rng.pick(COLORS)], rng, jitter));
    }
  }

  if (shift && DIGIT_SUM_SHIFT.noise > 0) addNoise(raster, new Rng(mixSeed(seed, 0x5f)), DIGIT_SUM_SHIFT.noise);

  const sum = digits.reduce((a, b) => a + b, 0);
  const closed = closedQuestion(format, sum, count, maxDigit, seed);
  return {
    taskId: 'digit-sum',
    seed,
    split,
    difficulty,
    imageSize,
    image: raster.data,
    promptTokens: [BOS, ...encode('sum of digits ?'), ...(closed.candidates ?? []).map((c) => numberToken(Number(c)))],
    answer: String(sum),
    // The verbose style draws from its own stream: the picture and the answer stay those of the plain instance.
    goldTrace: verbose ? verboseTrace(digits, new Rng(mixSeed(seed, 0x7e))) : goldTrace(digits),
    ...closed,
  };
}

/** The most checks a verbose equation gets; the whole response still fits the registry's 24 tokens. */
export const MAX_CHECKS = 3;

/**
 * The verbose style (task.verbose): after each equation "x + d = s", 0..MAX_CHECKS redundant
 * checks "= s" that restate its sum ("3 + 4 = 7 = 7"), drawn uniformly, capped so the gold
 * response stays within 24 tokens. Two digits: 11 to 17 tokens instead of always 11.
 * scoreSteps skips the checks, StepRAR finds its key steps around them, StepRVR accepts a check
 * that restates the sum and refuses one that does not ("3 + 4 = 7 = 8").
 */
function verboseTrace(digits: readonly number[], rng: Rng): string[] {
  const plain = goldTrace(digits);
  let budget = Math.floor((24 - (plain.length + 6)) / 2); // 6: <think> </think> <answer> X </answer> <eos>
  const out: string[] = [];
  for (let i = 0; i < plain.length; i += 5) {
    const eq = plain.slice(i, i + 5);
    const checks = Math.min(budget, rng.int(0, MAX_CHECKS));
    budget -= checks;
    out.push(...eq, ...Array.from({ length: checks }, () => ['=', eq[4]!]).flat());
  }
  return out;
}

/** "a + b = s" then, per further digit, "s + c = t": each line restates the running sum it adds to. */
function goldTrace(digits: readonly number[]): string[] {
  const out: string[] = [];
  let sum = digits[0]!;
  for (const d of digits.slice(1)) {
    out.push(String(sum), '+', String(d), '=', String(sum + d));
    sum += d;
  }
  return out;
}

const num = (w: string | undefined): number | null => (w !== undefined && /^\d+$/.test(w) ? Number(w) : null);

/** Every "x + y = z" in the trace, in order, as numbers (null where a slot is not a number). */
function equations(trace: readonly string[]): (number | null)[][] {
  const out: (number | null)[][] = [];
  for (let i = 0; i + 4 < trace.length; ) {
    if (trace[i + 1] === '+' && trace[i + 3] === '=') {
      out.push([num(trace[i]), num(trace[i + 2]), num(trace[i + 4])]);
      i += 5;
    } else i++;
  }
  return out;
}

/**
 * Steps: each digit read and each partial sum. Two digits "a + b = s" -> a, b, s (3 steps);
 * three "a + b = s s + c = t" -> a, b, s, c, t (5 steps; the restated s is not counted twice).
 */
function scoreSteps(instance: TaskInstance, trace: readonly string[]): number {
  const gold = equations(instance.goldTrace);
  const got = equations(trace);
  let steps = 0;
  let right = 0;
  gold.forEach((eq, k) => {
    // The first equation's left operand is a digit read; later ones restate the previous sum.
    for (let slot = k === 0 ? 0 : 1; slot < 3; slot++) {
      steps++;
      if (got[k]?.[slot] === eq[slot]) right++;
    }
  });
  return steps === 0 ? 0 : right / steps;
}

/**
 * StepRAR's key steps: each equation of the gold trace, in either operand order ("3 + 4 = 7" or
 * "4 + 3 = 7"), and each partial sum stated ("= 7"). Two digits: 2 key steps; three: 4.
 */
function keySteps(instance: TaskInstance): KeyStep[] {
  const out: KeyStep[] = [];
  for (const [a, b, s] of equations(instance.goldTrace).map((eq) => eq.map(String))) {
    out.push(a === b ? [[a!, '+', b!, '=', s!]] : [[a!, '+', b!, '=', s!], [b!, '+', a!, '=', s!]]);
  }
  for (const [, , s] of equations(instance.goldTrace)) out.push([['=', String(s)]]);
  return out;
}

const isDigit = (x: number | null): boolean => x !== null && x <= 9;

/**
 * StepRVR: the trace is nothing but a chain of equations "x + d = s" (at least one), each one's
 * addend a digit read (0-9, the first x too), each sum right, each later x restating the sum
 * before it, each equation followed by any number of checks "= s" that restate its sum (the
 * verbose style's); and the answer is the last sum. Whether the digits are the picture's is not asked.
 */
function validReasoning(_instance: TaskInstance, trace: readonly string[], answer: readonly string[]): boolean {
  if (trace.length < 5) return false;
  let prev: number | null = null;
  let i = 0;
  while (i < trace.length) {
    if (i + 5 > trace.length) return false;
    const [x, plus, d, eq, s] = [num(trace[i]), trace[i + 1], num(trace[i + 2]), trace[i + 3], num(trace[i + 4])];
    if (plus !== '+' || eq !== '=' || x === null || s === null || !isDigit(d) || x + d! !== s) return false;
    if (prev === null ? !isDigit(x) : x !== prev) return false;
    prev = s;
    i += 5;
    while (trace[i] === '=' && trace[i + 1] === String(s)) i += 2;
  }
  return answer.length === 1 && answer[0] === String(prev);
}

export const digitSumTask: TaskDef = {
  id: 'digit-sum',
  title: 'Digit sum',
  description: 'Read the digits in the picture and add them up; novel answers: three digits instead of two.',
  shift: 'Visual shift: the same two digits, in an italic glyph style training never shows. Every stroke is still there, so a model that reads the digits reads the same digits and the same sum.',
  levels: 3,
  vocabSize: BASE_VOCAB_SIZE,
  answerLength: 1,
  hasGoldTraces: true,
  verboseTraces: true,
  choiceFormats: true,
  generate,
  scoreSteps,
  keySteps,
  validReasoning,
};
