import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The wasm binaries are served by this site (Vite emits them as assets): no CDN.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendInfo, BackendName, BackendRequest } from './protocol';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

// Just the slice of WebGPU's types this file reads (lib.webworker has none yet).
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

interface Probe {
  available: boolean;
  adapter: string;
  software: boolean;
  detail?: string;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|lavapipe/i;

async function probeWebGpu(): Promise<Probe> {
  const gpu = (self.navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { available: false, adapter: '', software: false, detail: 'this browser has no navigator.gpu' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, adapter: '', software: false, detail: 'no WebGPU adapter was found' };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' ') || 'unknown adapter';
    const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || SOFTWARE_RENDERER.test(name);
    return { available: true, adapter: name, software };
  } catch (e) {
    return { available: false, adapter: '', software: false, detail: `requestAdapter failed: ${String(e)}` };
  }
}

function probeWebGl(): Probe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, adapter: '', software: false, detail: 'no OffscreenCanvas in workers' };
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return { available: false, adapter: '', software: false, detail: 'no WebGL2 context' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, adapter: renderer, software: SOFTWARE_RENDERER.test(renderer) };
  } catch (e) {
    return { available: false, adapter: '', software: false, detail: String(e) };
  }
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** tfjs-backend-wasm starts 8 pthread workers and never uses more. */
export const MAX_WASM_THREADS = 8;

/**
 * How many threads the wasm backend may use; call before it starts (later calls do nothing).
 * Without a request tfjs picks half the logical cores the browser reports (at most 8): it
 * assumes two hyperthreads per core and leaves the rest to the page. `?threads=N` overrides
 * that, to measure what more threads buy: tfjs also caps any request at
 * navigator.hardwareConcurrency / 2, so this worker's navigator reports 2N for the request
 * to stand (the count only sizes the thread pool; nothing else here reads it).
 */
export function requestWasmThreads(n: number | undefined): void {
  if (n === undefined) return;
  setThreadsCount(n);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav && (nav.hardwareConcurrency ?? 0) < 2 * n) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * n, configurable: true });
}

/** The threaded build needs SharedArrayBuffer, which only a cross-origin-isolated page has. */
const isolated = (): boolean => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

/** Threads the running wasm backend uses (1 for the single-threaded builds). */
export function wasmThreads(): number {
  return tf.getBackend() === 'wasm' && isolated() ? Math.max(1, getThreadsCount()) : 1;
}

async function wasmLabel(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const n = wasmThreads();
  return `WebAssembly${simd ? ' SIMD' : ''}, ${n} thread${n === 1 ? '' : 's'}`;
}

/** Why wasm runs on the threads it does: said once, in the badge's reason. */
function threadNote(): string {
  if (isolated()) return '';
  return ' One thread: the page is not cross-origin isolated (its server does not send COOP/COEP), so the threaded build cannot load.';
}

function describe(name: BackendName, probe: Probe | null): string {
  if (name === 'wasm') return 'WebAssembly';
  if (name === 'cpu') return 'JavaScript (plain CPU kernels)';
  return probe?.adapter || name;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };
export const backendLabel = (n: BackendName): string => LABEL[n];

/**
 * The backend policy: WebGPU on a hardware adapter, then hardware WebGL, then WASM, then
 * CPU. A software adapter (SwiftShader, `isFallbackAdapter`) is correct but slower than
 * WASM for a model this small, so auto skips it and says so; `?backend=` forces one.
 */
export async function selectBackend(request: BackendRequest): Promise<BackendInfo> {
  const gpu = request === 'auto' || request === 'webgpu' ? await probeWebGpu() : null;
  const gl = request === 'auto' || request === 'webgl' ? probeWebGl() : null;

  if (request !== 'auto') {
    const probe = request === 'webgpu' ? gpu : request === 'webgl' ? gl : null;
    if (await activate(request)) {
      const soft = probe?.software ?? false;
      return {
        name: request,
        adapter: request === 'wasm' ? await wasmLabel() : describe(request, probe),
        software: soft,
        forced: true,
        reason: `Forced by ?backend=${request}${soft ? ' (a software adapter: expect it to be slow)' : ''}.${request === 'wasm' ? threadNote() : ''}`,
        ...(request === 'wasm' ? { threads: wasmThreads() } : {}),
      };
    }
    const fallback = await selectBackend('auto');
    const why = probe?.detail ? `: ${probe.detail}` : '';
    return { ...fallback, reason: `?backend=${request} failed to start${why}. ${fallback.reason}` };
  }

  const skipped: string[] = [];
  if (gpu?.available && !gpu.software && (await activate('webgpu'))) {
    return { name: 'webgpu', adapter: gpu.adapter, software: false, forced: false, reason: 'A hardware WebGPU adapter was found.' };
  }
  if (gpu?.available && gpu.software) skipped.push(`the WebGPU adapter is a software fallback (${gpu.adapter})`);
  else if (gpu && !gpu.available) skipped.push(gpu.detail ?? 'no WebGPU');
  if (gl?.available && !gl.software && (await activate('webgl'))) {
    return { name: 'webgl', adapter: gl.adapter, software: false, forced: false, reason: `WebGL on the GPU, because ${skipped.join('; ')}.` };
  }
  if (gl?.available && gl.software) skipped.push('WebGL renders in software too');
  else if (gl && !gl.available) skipped.push(gl.detail ?? 'no WebGL');
  if (await activate('wasm')) {
    return {
      name: 'wasm',
      adapter: await wasmLabel(),
      software: false,
      forced: false,
      reason: `WASM is the fastest choice here: ${skipped.join('; ')}.${threadNote()}`,
      threads: wasmThreads(),
    };
  }
  await activate('cpu');
  return { name: 'cpu', adapter: describe('cpu', null), software: false, forced: false, reason: `CPU: no faster backend started (${skipped.join('; ')}).` };
}

/** Where to go when a backend fails mid-run (WebGPU device lost, WebGL context lost...). */
export async function fallBackFrom(failed: BackendName, message: string): Promise<BackendInfo> {
  const order: BackendName[] = failed === 'cpu' ? [] : failed === 'wasm' ? ['cpu'] : ['wasm', 'cpu'];
  for (const name of order) {
    if (await activate(name)) {
      return {
        name,
        adapter: describe(name, null),
        software: false,
        forced: false,
        reason: `${backendLabel(failed)} failed (${message}); continued on ${backendLabel(name)} from the last checkpoint.`,
        ...(name === 'wasm' ? { threads: wasmThreads() } : {}),
      };
    }
  }
  throw new Error(`No backend left to fall back to after ${failed} failed: ${message}`);
}

/** Resolves if the active WebGPU device is lost (never otherwise). */
export function deviceLost(): Promise<string> | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } }).device;
  return device?.lost?.then((info) => `WebGPU device lost (${info.reason ?? 'unknown'}): ${info.message ?? ''}`.trim()) ?? null;
}
