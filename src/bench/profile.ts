/**
 * How much each backend is asked to do. Fast backends (wasm, and webgl/webgpu on a real GPU)
 * run the requested settings; the slow ones on a machine like CI's (2 cores, no GPU: the cpu
 * backend's plain-JS kernels, and webgl/webgpu on a software adapter such as SwiftShader) take
 * tens of seconds per default iteration, so they run fewer and smaller repetitions and the
 * whole bench stays under 10 minutes. Every cut is written into the entry's notes.
 */
export interface BenchSettings {
  /** Generation batch: B prompts x G samples. */
  prompts: number;
  group: number;
  /** Timed calls per KV-cache generation variant (median kept). */
  repeats: number;
  /** Timed calls of the recomputation baseline (a minute per call on the slowest backends). */
  recomputeRepeats: number;
  /** Untimed warm-up call / iteration before timing (GPU backends compile shaders per shape). */
  warmup: boolean;
  /** Timed iterations of the default preset. */
  iterations: number;
  growth: { config: 'default' | 'tiny'; at: number; until: number } | null;
}

export function profileFor(backend: string, softwareAdapter: boolean, s: BenchSettings): { settings: BenchSettings; notes: string[] } {
  const settings: BenchSettings = { ...s, growth: s.growth ? { ...s.growth } : null };
  const notes: string[] = [];
  if (backend === 'cpu') {
    settings.prompts = Math.min(s.prompts, 2);
    settings.recomputeRepeats = 1;
    settings.iterations = 1;
    settings.warmup = false; // no shaders to compile; the KV-cache calls warm the kernels up
    notes.push(`plain-JS kernels, tens of seconds per iteration: generation at B x G = ${settings.prompts} x ${s.group}, one timed recomputation call, one timed iteration, no warm-ups`);
  } else if ((backend === 'webgl' || backend === 'webgpu') && softwareAdapter) {
    settings.prompts = 1;
    settings.recomputeRepeats = 1;
    settings.iterations = 1;
    if (settings.growth) settings.growth.until = Math.min(settings.growth.until, settings.growth.at + 10);
    notes.push(`a software GPU, tens of seconds per iteration: generation at B x G = 1 x ${s.group}, one timed recomputation call, one timed iteration (each after a warm-up)`);
  }
  return { settings, notes };
}
