/**
 * How a speed patch replaces one of a backend's tfjs kernels and how a test puts it back: the
 * wrapper is re-registered under the kernel's name, marked with the kernel it wraps, so patching
 * twice does nothing and unpatching restores exactly what was there.
 */
import * as tf from '@tensorflow/tfjs-core';

type Marked = Record<string, unknown>;

/**
 * Re-register `kernelName` of `backendName` as `wrap(previous)`, marked `mark` (plus any
 * `alsoMark` keys, set true). Returns false, patching nothing, where the backend has no such
 * kernel or it is patched already.
 */
export function patchKernel(kernelName: string, backendName: string, mark: string, wrap: (previous: tf.KernelConfig) => tf.KernelFunc, alsoMark: string[] = []): boolean {
  const previous = tf.getKernel(kernelName, backendName);
  if (!previous || (previous.kernelFunc as unknown as Marked)[mark]) return false;
  const kernelFunc = wrap(previous);
  const marks = kernelFunc as unknown as Marked;
  marks[mark] = previous; // what unpatchKernel restores
  for (const m of alsoMark) marks[m] = true;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...previous, kernelFunc });
  return true;
}

/** Undo patchKernel: register the kernel it wrapped again. Returns true if it was patched. */
export function unpatchKernel(kernelName: string, backendName: string, mark: string): boolean {
  const current = tf.getKernel(kernelName, backendName);
  const previous = current && ((current.kernelFunc as unknown as Marked)[mark] as tf.KernelConfig | undefined);
  if (!previous) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(previous);
  return true;
}
