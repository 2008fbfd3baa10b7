/**
 * A speed patch for tfjs-core's gradient tape on the wasm backend: how it keeps the tensors a
 * gradient will need.
 *
 * Under a tape, every kernel's saved inputs and outputs (a matmul's x and w, a softmax's output)
 * are kept by `Engine.saveTensorsForBackwardMode`, which clones each: a whole kernel invocation
 * (Identity, through runKernel's scopes, tracking and profiling hooks) plus a tape node for the
 * clone, which the backward pass must then walk past and filter out. On wasm the Identity kernel
 * already shares the buffer (./wasmCopies.ts), so a clone is only a second handle on the same
 * data; a 32-row forward and backward of the default model made 227 of them (about 900 an
 * iteration), at ~12 µs each.
 *
 * The patch makes that handle directly for tensors on the wasm backend: the backend's reference
 * count up by one (what the Identity kernel did), a tracked tensor on the same data (what
 * runKernel did with the kernel's output), kept (as before). Nothing else changes: the saved
 * tensors hold the same data, are disposed by the same code after the backward pass, and no
 * gradient ever flows through them (they are read by gradient functions, never differentiated).
 * Tensors of other backends take tfjs's own path. ./wasmTapeSaves.test.ts checks the gradients,
 * the kernels run and the memory.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-core's Engine this patch touches (internal, so typed here). */
interface EngineInternals {
  state: { tensorInfo: { get(dataId: object): { backend: tf.KernelBackend } | undefined } };
  keep<T extends tf.Tensor>(t: T): T;
  clone<T extends tf.Tensor>(t: T): T;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
  saveTensorsForBackwardMode: (this: EngineInternals, tensors: tf.Tensor[]) => tf.Tensor[];
}
type Backend = tf.KernelBackend & { incRef(dataId: object): void };

const MARK = '__rftTapeSaves';
type Marked = EngineInternals['saveTensorsForBackwardMode'] & { [MARK]?: EngineInternals['saveTensorsForBackwardMode'] };

const engineProto = (): EngineInternals => Object.getPrototypeOf(tf.engine()) as EngineInternals;

/** Make tape saves of `backendName`'s tensors share their data without a kernel. Returns true if patched now. */
export function patchWasmTapeSaves(backendName = 'wasm'): boolean {
  const proto = engineProto();
  const previous = proto.saveTensorsForBackwardMode as Marked;
  if (previous[MARK]) return false;
  const saves: Marked = function (this: EngineInternals, tensors: tf.Tensor[]): tf.Tensor[] {
    const wasm = tf.findBackend(backendName) as Backend | null;
    return tensors.map((t) => {
      const backend = this.state.tensorInfo.get(t.dataId)?.backend;
      if (!wasm || backend !== wasm) return this.keep(this.clone(t));
      wasm.incRef(t.dataId);
      return this.keep(this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, wasm));
    });
  };
  saves[MARK] = previous;
  proto.saveTensorsForBackwardMode = saves;
  return true;
}

/** Undo patchWasmTapeSaves (tests compare against tfjs's own). Returns true if it was patched. */
export function unpatchWasmTapeSaves(): boolean {
  const proto = engineProto();
  const previous = (proto.saveTensorsForBackwardMode as Marked)[MARK];
  if (!previous) return false;
  proto.saveTensorsForBackwardMode = previous;
  return true;
}
