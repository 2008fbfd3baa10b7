/**
 * The bench's efficiency (src/bench/engineBench.ts) for an iteration timed outside the bench:
 * the time its matrix products would take at the backend's own matmul rate, over the time it
 * took. npm run torch-ratio (./torchRatio.ts) applies it to both sides of a pair, the engine
 * and the PyTorch port, each with the rates measured in its own process, so issue #20's 50%
 * target can be read against what PyTorch eager reaches on the same machine.
 *
 * Only the compute floor: the bench takes max(compute, dispatches x dispatch floor), but torch
 * does not count its dispatches, and on the engine's wasm backend the dispatch floor is the
 * smaller of the two (bench: ~8 of ~32 ms), so the engine's number here is the bench's.
 */
import { iterationFlops, type IterationShape } from '../bench/flops';
import type { ModelConfig } from '../engine/model/config';

/** One timed iteration: its phases in ms and the longest response, which sets its FLOPs. */
export interface TimedIteration {
  generation: number;
  logprob: number;
  update: number;
  passLength: number;
}

/** GFLOP/s at the bench's two shapes: `train` for the teacher-forced passes, `decode` for a sampling step. */
export interface MatmulRates {
  train: number;
  decode: number;
}

/**
 * The compute floor of one iteration in ms, and that floor over its time (generation + log-prob
 * + update; the reward, host-side scoring, is left out on both sides). Sampling stops once every
 * row has finished on both sides (the engine on wasm, the port's `stop_when_finished`), so the
 * decoded steps equal the longest response.
 */
export function iterationEfficiency(model: ModelConfig, shape: IterationShape, rates: MatmulRates, it: TimedIteration): { floorMs: number; efficiency: number } {
  const flops = iterationFlops(model, { ...shape, decodedTokens: it.passLength, passLength: it.passLength });
  const floorMs = flops.rollout / (rates.decode * 1e6) + (flops.logprob + flops.update) / (rates.train * 1e6);
  const ms = it.generation + it.logprob + it.update;
  return { floorMs, efficiency: ms > 0 ? floorMs / ms : 0 };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median efficiency over a side's iterations. */
export function medianEfficiency(model: ModelConfig, shape: IterationShape, rates: MatmulRates, its: readonly TimedIteration[]): number {
  return median(its.map((it) => iterationEfficiency(model, shape, rates, it).efficiency));
}
