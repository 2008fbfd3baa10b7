import { mixSeed } from '../random';
import type { Split } from '../tasks/types';

/**
 * Training and held-out prompts come from disjoint seed sets: training seeds are even,
 * evaluation seeds odd. So "held-out accuracy" is measured on prompts no run ever trains on.
 */
export function trainSeed(runSeed: number, iteration: number, index: number): number {
  return (mixSeed(runSeed, iteration, index, 0x7a11) & ~1) >>> 0;
}

/** Each split has its own odd seeds (the visual-shift split's salt came last, so id and ood kept theirs). */
const SPLIT_SALT: Readonly<Record<Split, number>> = { id: 0x1d, ood: 0x00d, shift: 0x5f1 };

export function evalSeed(split: Split, index: number): number {
  return (mixSeed(SPLIT_SALT[split], index, 0xe7a1) | 1) >>> 0;
}
