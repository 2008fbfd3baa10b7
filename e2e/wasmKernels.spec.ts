import type { WasmKernelCheck } from '../src/worker/protocol'; // the worker's result, as the page receives it
import { test, expect } from './fixtures';

/**
 * The engine's own SIMD batched and dense matmuls (engine/train/wasmBatchMatMul.ts), column sum
 * (engine/train/wasmColumnSum.ts), a dense layer's x·w + b in one kernel (engine/train/wasmDense.ts), softmax's gradient
 * (engine/model/wasmSoftmax.ts), run-copying transpose and concat (engine/train/wasmTranspose.ts,
 * wasmCopies.ts), GELU kernels (engine/model/wasmGelu.ts), LayerNorm kernel
 * (engine/model/wasmLayerNorm.ts), Exp (engine/model/wasmExp.ts), Adam step
 * (engine/algorithms/wasmAdam.ts) and sampling's Gumbel noise (engine/model/wasmGumbel.ts, against
 * this browser's own Math.log) in the browser's worker.
 * The page is cross-origin isolated, so tfjs runs its threaded build, whose memory is a
 * SharedArrayBuffer: the kernel's shared build, which Node's unit tests never load. With 1 and
 * with 2 threads it must equal tfjs's own kernel (to 1e-5, and in fact bit for bit). The dense
 * one runs on 1 thread only (on 2, XNNPACK's threaded matmul keeps the dense shapes).
 */
for (const threads of ['1', '2']) {
  test(`forced wasm, ${threads} thread(s): our kernels (batched and, on 1 thread, dense matmuls, a dense layer in one kernel, softmax's gradient, column sum, transpose, concat, GELU, LayerNorm forward and under a tape, Exp, Adam, Gumbel noise) run on the shared memory and equal tfjs's kernels`, async ({ playground, page }) => {
    await playground.goto({ backend: 'wasm', threads, debug: true });
    await expect(playground.badge).toHaveAttribute('data-backend', 'wasm');
    await expect(playground.badge).toHaveAttribute('data-threads', threads);
    const r = await page.evaluate(async () => {
      const store = (window as unknown as { __rft: { getState(): { client: { api: { checkWasmKernels(): Promise<unknown> } } } } }).__rft;
      return (await store.getState().client.api.checkWasmKernels()) as WasmKernelCheck;
    });
    test.info().annotations.push({ type: 'wasm kernels', description: JSON.stringify(r) });
    expect(r.backend).toBe('wasm');
    expect(r.threads).toBe(Number(threads));
    expect(r.sharedMemory).toBe(true);
    expect(r.kernelActive).toBe(true);
    expect(r.denseActive).toBe(threads === '1');
    expect(r.cases.length).toBeGreaterThanOrEqual(15);
    for (const c of r.cases) {
      const name = `[${c.a.join(', ')}] x [${c.b.join(', ')}], transposeA ${c.transposeA}, transposeB ${c.transposeB}`;
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.layerNorm.length).toBe(4);
    for (const c of r.layerNorm) {
      const name = `LayerNorm over [${c.shape.join(', ')}]`;
      expect(c.ran, name).toBe(true);
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.layerNormTaped.length).toBe(2);
    for (const c of r.layerNormTaped) {
      const name = `LayerNorm under a tape, loss and gradients, over [${c.shape.join(', ')}]`;
      expect(c.ran, name).toBe(true);
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.gelu.length).toBe(2);
    for (const c of r.gelu) {
      const name = `GELU and its gradient over [${c.shape.join(', ')}]`;
      expect(c.ran, name).toBe(true);
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.dense.length).toBe(2);
    for (const c of r.dense) {
      const name = `Dense [${c.shape.join(', ')}] -> ${c.nOut}, forward and gradients`;
      expect(c.ran, name).toBe(true);
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.softmax.length).toBe(2);
    for (const c of r.softmax) {
      const name = `softmax and its gradient over [${c.shape.join(', ')}]`;
      expect(c.ran, name).toBe(true);
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.columnSum.length).toBe(3);
    for (const c of r.columnSum) {
      const name = `Sum over every axis but the last of [${c.shape.join(', ')}]`;
      expect(c.maxRelDiff, name).toBeLessThanOrEqual(1e-5);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.transpose.length).toBe(3);
    for (const c of r.transpose) {
      const name = `Transpose of [${c.shape.join(', ')}] by [${c.perm.join(', ')}]`;
      expect(c.maxRelDiff, name).toBe(0);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.concat.length).toBe(3);
    for (const c of r.concat) {
      const name = `Concat of ${c.shapes.map((x) => `[${x.join(', ')}]`).join(' + ')} on axis ${c.axis}`;
      expect(c.maxRelDiff, name).toBe(0);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.exp.length).toBe(2);
    for (const c of r.exp) {
      const name = `Exp over [${c.shape.join(', ')}]`;
      expect(c.maxRelDiff, name).toBe(0);
      expect(c.sameBits, name).toBe(true);
    }
    expect(r.adam.maxRelDiff, 'two Adam steps').toBe(0);
    expect(r.adam.sameBits, 'two Adam steps').toBe(true);
    expect(r.gumbel.maxRelDiff, 'Gumbel noise').toBe(0);
    expect(r.gumbel.sameBits, 'Gumbel noise').toBe(true);
    expect(r.tensorsLeft).toBe(0);
  });
}
