/**
 * How the engine's own WebAssembly kernels (the .wat files under engine/model/kernels and
 * engine/train/kernels, assembled by `npm run kernels`) reach tfjs's wasm backend: each module
 * IMPORTS the backend's WebAssembly.Memory, so it reads inputs and writes outputs where tfjs
 * keeps its tensors (byte offsets from `getMemoryOffset`), with no copy in or out.
 *
 * The plain build's memory is `Module.asm.memory`; the threaded build imports a shared memory
 * it keeps as `Module.wasmMemory`, and our module's import must match that sharedness, so each
 * kernel ships two builds. Where no memory is found (another build, another tfjs) or the
 * module does not compile (no SIMD), callers fall back to tfjs's kernels.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's emscripten Module the kernels read. */
export interface EmscriptenModule {
  asm?: { memory?: unknown };
  /** tfjs's own exports; getThreadsCount: the threads its kernels compute on (absent: 1). */
  tfjs?: { getThreadsCount?: () => number };
  wasmMemory?: unknown;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernels read. */
export interface WasmBackend {
  wasm: EmscriptenModule;
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** The few pieces of the WebAssembly JS API used here (the engine compiles without DOM or Node types). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const host = globalThis as unknown as { WebAssembly?: WasmApi; atob(base64: string): string };

/** The backend's WebAssembly.Memory: the threaded build's shared one, or the plain build's own; null if neither. */
export function backendMemory(wasm: EmscriptenModule | undefined): WasmMemory | null {
  const api = host.WebAssembly;
  if (!api) return null;
  for (const m of [wasm?.wasmMemory, wasm?.asm?.memory]) if (m instanceof api.Memory) return m;
  return null;
}

function decode(base64: string): Uint8Array {
  return Uint8Array.from(host.atob(base64), (c) => c.charCodeAt(0));
}

/**
 * A kernel module's exports over `memory`, from the build (base64, `npm run kernels`) that
 * matches its sharedness. Synchronous compilation is fine for modules of a few KB, in Node and
 * in a worker. Throws where the module does not compile (no SIMD).
 */
export function instantiateOver(memory: WasmMemory, builds: { plain: string; shared: string }): Record<string, unknown> {
  const api = host.WebAssembly!;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new api.Module(decode(shared ? builds.shared : builds.plain));
  return new api.Instance(module, { env: { memory } }).exports;
}

/**
 * One value per backend instance, made on first `get` by `make` from the backend's memory (a
 * backend re-created after setBackend gets its own); null where there is no memory or `make`
 * throws (no SIMD): the caller then runs tfjs's kernels, for good. `peek` reads without making
 * (undefined: not made yet).
 */
export function perBackend<T>(make: (memory: WasmMemory, backend: WasmBackend) => T): {
  get(backend: WasmBackend): T | null;
  peek(backend: object): T | null | undefined;
} {
  const made = new WeakMap<object, T | null>();
  return {
    get(backend) {
      let k = made.get(backend);
      if (k === undefined) {
        const memory = backendMemory(backend.wasm);
        try {
          k = memory ? make(memory, backend) : null;
        } catch {
          k = null;
        }
        made.set(backend, k);
      }
      return k;
    },
    peek: (backend) => made.get(backend),
  };
}
