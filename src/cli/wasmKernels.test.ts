import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, WASM_KERNELS, assembleSource, renderModule } from './wasmKernels';

describe('the committed wasm kernel bytes', () => {
  it.each(WASM_KERNELS.map((k) => [k.wat, k] as const))('%s assembles to exactly the committed module (run `npm run kernels` after editing it)', async (_, k) => {
    const bytes = await assembleSource(k);
    expect(bytes.shared).not.toEqual(bytes.plain); // the memory import differs
    const committed = await readFile(`${REPO_ROOT}${k.out}`, 'utf8');
    expect(committed).toBe(renderModule(k, bytes));
  });
});
