/**
 * Counts what an iteration asks of the backend, by wrapping methods on the live engine and
 * backend objects (never tf.profile: it times every kernel and, on backends without a timer,
 * reads every output back, which would change the very counts it reports):
 *
 *  - kernels: registered tfjs kernels run through the engine (forward, backward, optimizer);
 *  - programs: GPU shader programs launched (webgl runWebGLProgram, webgpu runWebGPUProgram).
 *    A kernel can launch none (reshape, small ops forwarded to the CPU) or several;
 *  - readbacks: outermost backend.read / readSync calls made outside any kernel, i.e. the
 *    device -> host copies the caller asked for (wasm and cpu read() call readSync(); nested
 *    calls count once);
 *  - uploads, uploadBytes: host -> device writes made outside any kernel (backend.write: a
 *    tensor made from JS data, the scalars of `tf.mul(x, 0.5)`, the sampling noise), and their
 *    bytes; on WebGPU each becomes a buffer upload when first used;
 *  - kernelReads: reads made by kernels themselves (wasm's Concat and Slice read their inputs
 *    this way, a copy out of the wasm heap; on a GPU backend such a read would be a stall).
 *
 * `dispatches` is what pays a fixed launch cost: programs on a GPU backend, kernels elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface Counts {
  kernels: number;
  programs: number;
  readbacks: number;
  kernelReads: number;
  uploads: number;
  uploadBytes: number;
}

/** Counts all zero. */
export function zeroCounts(): Counts {
  return { kernels: 0, programs: 0, readbacks: 0, kernelReads: 0, uploads: 0, uploadBytes: 0 };
}

export interface CounterHandle {
  read(): Counts;
  /** Dispatches (as `dispatches` defines them) per phase name, when a phase function was given. */
  dispatchesByPhase(): Record<string, number>;
  /** Kernels on cpu/wasm, GPU programs on webgl/webgpu. */
  dispatches(c: Counts): number;
  uninstall(): void;
}

type Method = (...args: unknown[]) => unknown;
type Patchable = Record<string, unknown>;

const GPU_PROGRAM_METHODS = ['runWebGLProgram', 'runWebGPUProgram'] as const;

/** Replace obj[name] with a counting wrapper; returns the undo, or null when there is no such method. */
function wrap(obj: Patchable, name: string, around: (original: Method, self: unknown, args: unknown[]) => unknown): (() => void) | null {
  const original = obj[name];
  if (typeof original !== 'function') return null;
  const hadOwn = Object.prototype.hasOwnProperty.call(obj, name);
  const fn = original as Method;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    return around(fn, this, args);
  };
  return () => {
    if (hadOwn) obj[name] = original;
    else delete obj[name];
  };
}

/**
 * Install the counters on the active backend. Counts start at 0; uninstall restores every
 * method. `phase`, when given, names what the engine is doing at each dispatch.
 */
export function installCounters(phase?: () => string): CounterHandle {
  const counts: Counts = zeroCounts();
  const kernelsBy: Record<string, number> = {};
  const programsBy: Record<string, number> = {};
  const bump = (by: Record<string, number>) => {
    if (!phase) return;
    const p = phase();
    by[p] = (by[p] ?? 0) + 1;
  };
  const undo: (() => void)[] = [];
  const engine = tf.engine() as unknown as Patchable;
  const backend = tf.backend() as unknown as Patchable;

  let kernelDepth = 0;
  const kernelUndo = wrap(engine, 'runKernelFunc', (original, self, args) => {
    // Registered kernels carry a kernelName; customGrad wrappers do not (their inner ops count).
    const params = args[0] as { kernelName?: unknown } | undefined;
    if (params && typeof params.kernelName === 'string') {
      counts.kernels++;
      bump(kernelsBy);
    }
    kernelDepth++;
    try {
      return original.apply(self, args);
    } finally {
      kernelDepth--;
    }
  });
  if (!kernelUndo) throw new Error('installCounters: this tfjs engine has no runKernelFunc to count kernels with');
  undo.push(kernelUndo);

  let readDepth = 0;
  for (const name of ['read', 'readSync']) {
    const u = wrap(backend, name, (original, self, args) => {
      if (readDepth === 0) {
        if (kernelDepth > 0) counts.kernelReads++;
        else counts.readbacks++;
      }
      readDepth++;
      try {
        return original.apply(self, args); // read() returns its promise synchronously: depth is per call stack
      } finally {
        readDepth--;
      }
    });
    if (u) undo.push(u);
  }

  const writeUndo = wrap(backend, 'write', (original, self, args) => {
    if (kernelDepth === 0) {
      const values = args[0];
      counts.uploads++;
      if (ArrayBuffer.isView(values)) counts.uploadBytes += values.byteLength;
    }
    return original.apply(self, args);
  });
  if (writeUndo) undo.push(writeUndo);

  let gpu = false;
  for (const name of GPU_PROGRAM_METHODS) {
    const u = wrap(backend, name, (original, self, args) => {
      counts.programs++;
      bump(programsBy);
      return original.apply(self, args);
    });
    if (u) {
      undo.push(u);
      gpu = true;
    }
  }

  return {
    read: () => ({ ...counts }),
    dispatchesByPhase: () => ({ ...(gpu ? programsBy : kernelsBy) }),
    dispatches: (c) => (gpu ? c.programs : c.kernels),
    uninstall: () => {
      for (const u of undo.reverse()) u();
      undo.length = 0;
    },
  };
}

/** Counts of `fn` alone (counters installed around it and removed after, also on error). */
export async function countDuring<T>(fn: () => Promise<T>, phase?: () => string): Promise<{ result: T; counts: Counts; dispatches: number; byPhase: Record<string, number> }> {
  const handle = installCounters(phase);
  try {
    const result = await fn();
    const counts = handle.read();
    return { result, counts, dispatches: handle.dispatches(counts), byPhase: handle.dispatchesByPhase() };
  } finally {
    handle.uninstall();
  }
}
