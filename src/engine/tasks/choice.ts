/**
 * Candidate answers for Curr-ReFT's closed question formats (arXiv:2503.07065; its code's
 * Stage1_judge and Stage2_choice scripts ask yes/no and option-letter questions before the open
 * ones). This vocabulary has neither yes/no nor letters, so a closed question lists candidate
 * answers in the prompt and the model answers with the right one's words: the accuracy reward is
 * the task's own (exact match with the gold answer), and a candidate that is not the gold earns 0,
 * as a wrong yes/no or letter does in the paper's code.
 */
import type { Rng } from '../random';

/** Distractors are drawn among the answers at most this far from the gold one: near misses (a digit misread by 1-3), not giveaways. */
export const NEAR_DISTANCE = 3;

/**
 * `k` candidate numbers for the gold answer `gold` among the integers lo..hi: k − 1 distinct
 * distractors drawn from the values within NEAR_DISTANCE of the gold (the k − 1 nearest if fewer
 * are that near), in the order `rng.shuffle` leaves them, with the gold inserted at position
 * `rng.int(0, k − 1)`, uniform, so no position gives the answer away. Deterministic in the rng.
 */
export function numberCandidates(gold: number, lo: number, hi: number, k: number, rng: Pick<Rng, 'shuffle' | 'int'>): number[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`A closed question needs at least 2 candidates, got ${k}.`);
  if (!(gold >= lo && gold <= hi)) throw new Error(`The gold answer ${gold} lies outside ${lo}..${hi}.`);
  const others = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((v) => v !== gold);
  if (others.length < k - 1) throw new Error(`${lo}..${hi} holds ${others.length} answers besides ${gold}, fewer than the ${k - 1} distractors asked for.`);
  const byDistance = [...others].sort((a, b) => Math.abs(a - gold) - Math.abs(b - gold) || a - b);
  const near = byDistance.filter((v) => Math.abs(v - gold) <= NEAR_DISTANCE);
  const pool = near.length >= k - 1 ? near : byDistance.slice(0, k - 1);
  const distractors = rng.shuffle([...pool].sort((a, b) => a - b)).slice(0, k - 1);
  const at = rng.int(0, k - 1);
  return [...distractors.slice(0, at), gold, ...distractors.slice(at)];
}
