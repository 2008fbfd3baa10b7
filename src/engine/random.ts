/**
 * Seeded randomness for everything that must be reproducible on every backend and in Node
 * (task generation, batch order). Never Math.random in the engine.
 */

/** mulberry32: tiny, fast, good enough for procedural data; state is one uint32. */
/** The generator's state for a seed, before its first draw (draw i, from 1, then mixes state + i·0x6d2b79f5: ./model/kernels/gumbel.wat relies on it). */
export function rngState(seed: number): number {
  return (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
}

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = rngState(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick on an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** Derive independent seeds from one (e.g. seed of prompt k at iteration t) without correlation. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}
