import { test, expect } from './fixtures';

/** The worker's result (src/worker/protocol.ts FusedKernelCheck), as the page receives it. */
interface FusedKernelCheck {
  backend: string;
  layerNorm: { shape: number[]; maxAbsDiff: number; programs: { fused: number; reference: number } }[];
  decode: { logitsMaxAbsDiff: number; tokensEqual: boolean; programsPerDecodingStep: { fused: number; reference: number } };
  tensorsLeft: number;
}

test('forced WebGPU (SwiftShader): the fused LayerNorm kernel equals the reference ops to 1e-5, alone and in sampling, 1 program instead of 9 per LayerNorm: 40 fewer per decoding step', async ({ playground, page }) => {
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
  expect(r.decode.logitsMaxAbsDiff).toBeLessThan(1e-5);
  expect(r.decode.tokensEqual).toBe(true);
  // The default model has 5 LayerNorms per decoding step (2 per decoder block, then the final
  // one), each 1 program instead of 9: 5 x 8 = 40 fewer per step, exactly (127 -> 87 when
  // measured, the same on two runs; the totals move with any other kernel, the saving does not).
  const { fused, reference } = r.decode.programsPerDecodingStep;
  expect(reference - fused).toBe(5 * (9 - 1));
  expect(r.tensorsLeft).toBe(0);
});
