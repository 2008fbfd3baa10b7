/**
 * npm run kernels
 * Assembles the engine's hand-written WebAssembly kernels (./wasmKernels.ts's list) and writes
 * their bytes as committed TypeScript modules. Run it after editing a .wat file.
 */
import { writeFile } from 'node:fs/promises';
import { REPO_ROOT, WASM_KERNELS, assembleSource, renderModule } from './wasmKernels';

for (const k of WASM_KERNELS) {
  const bytes = await assembleSource(k);
  await writeFile(`${REPO_ROOT}${k.out}`, renderModule(k, bytes));
  process.stdout.write(`${k.wat} -> ${k.out} (plain ${bytes.plain.length} bytes, shared ${bytes.shared.length} bytes)\n`);
}
