import type { FusedKernelCheck } from '../src/worker/protocol'; // the worker's result, as the page receives it
import { test, expect } from './fixtures';

test('forced WebGPU (SwiftShader): the fused LayerNorm, bias + GELU and decoding-step attention kernels equal the reference ops to 1e-5, alone and in sampling, with fewer programs per decoding step', async ({ playground, page }) => {
  test.setTimeout(300_000); // shader compilation and the default model's sampling on a software GPU
  await playground.goto({ backend: 'webgpu', debug: true });
  await expect(playground.badge).toHaveAttribute('data-backend', 'webgpu');
  const r = await page.evaluate(async () => {
    const store = (window as unknown as { __rft: { getState(): { client: { api: { checkFusedKernels(): Promise<unknown> } } } } }).__rft;
    return (await store.getState().client.api.checkFusedKernels()) as FusedKernelCheck;
  });
  test.info().annotations.push({ type: 'fused kernels', description: JSON.stringify(r) });
  expect(r.backend).toBe('webgpu');
  expect(r.layerNorm.map((c) => c.shape)).toEqual([[64, 1, 64], [8, 24, 64], [3, 5, 200], [2, 1, 16]]);
  for (const c of r.layerNorm) {
    expect(c.maxAbsDiff, `LayerNorm [${c.shape.join(', ')}]`).toBeLessThan(1e-5);
    // One program in place of the reference ops' nine (mean, subtract, square, mean, add ε,
    // rsqrt, two multiplies, add), at every shape.
    expect(c.programs, `LayerNorm [${c.shape.join(', ')}]`).toEqual({ fused: 1, reference: 9 });
  }
  expect(r.gelu.map((c) => [c.shape, c.out, c.bias])).toEqual([[[64, 1, 64], 256, true], [[8, 24, 64], 256, true], [[3, 5, 20], 37, true], [[2, 1, 16], 13, false]]);
  for (const c of r.gelu) {
    const what = `bias + GELU [${c.shape.join(', ')}] -> ${c.out}${c.bias ? '' : ' (no bias)'}`;
    expect(c.maxAbsDiff, what).toBeLessThan(1e-5);
    // The matmul, then one program where the reference runs the bias add and GELU's six (square, mul, add, mul, sigmoid, mul).
    expect(c.programs.fused, `${what} ran as the matmul and one program`).toBe(2);
    expect(c.programs.reference - c.programs.fused, what).toBe(c.bias ? 6 : 5);
  }
  expect(r.attention.map((c) => [c.batch, c.heads, c.headDim, c.keys])).toEqual([[64, 4, 16, 25], [64, 4, 16, 55], [3, 3, 5, 70], [2, 1, 80, 2]]);
  for (const c of r.attention) {
    const what = `decoding-step attention, ${c.batch} rows x ${c.heads} heads of ${c.headDim}, ${c.keys} keys`;
    expect(c.maxAbsDiff, what).toBeLessThan(1e-5);
    // One program where the reference runs q·scale, q·kᵀ, + mask, softmax, p·v and the heads' transpose (six);
    // the QKV and output projections, the split and the cache's concats are the same both ways.
    expect(c.programs.reference - c.programs.fused, what).toBe(5);
  }
  expect(r.decode.logitsMaxAbsDiff).toBeLessThan(1e-5);
  expect(r.decode.tokensEqual).toBe(true);
  // The default model has, per decoding step, 5 LayerNorms (2 per decoder block, then the final
  // one: 8 programs fewer each), 2 MLPs (bias + GELU: 6 fewer each) and 2 attentions (5 fewer each).
  expect(r.decode.programsPerDecodingStep.reference - r.decode.programsPerDecodingStep.fused).toBe(5 * 8 + 2 * 6 + 2 * 5);
  // The model's and sampling's scalars are made once: a step uploads only its Gumbel noise.
  expect(r.decode.uploadsPerDecodingStep).toBe(1);
  expect(r.tensorsLeft).toBe(0);
});
