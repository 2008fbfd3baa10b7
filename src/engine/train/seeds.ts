import { mixSeed } from '../random';

/**
 * Training and held-out prompts come from disjoint seed sets: training seeds are even,
 * evaluation seeds odd. So "held-out accuracy" is measured on prompts no run ever trains on.
 */
export function trainSeed(runSeed: number, iteration: number, index: number): number {
  return (mixSeed(runSeed, iteration, index, 0x7a11) & ~1) >>> 0;
}

export function evalSeed(split: 'id' | 'ood', index: number): number {
  return (mixSeed(split === 'id' ? 0x1d : 0x00d, index, 0xe7a1) | 1) >>> 0;
}
