import { applyPreset } from '../engine/presets';
import { createTrainer } from '../engine/train/trainer';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
async function main() {
  await initBackend('wasm');
  const deps = { loadWarmStart: (task: string) => fileHandler(`public/checkpoints/${task}`) };
  const trainer = await createTrainer(applyPreset('grpo', { run: { iterations: 200, evalEvery: 0 } }), deps);
  for (let i = 0; i < 3; i++) { const r = await trainer.step(); console.log(Object.entries(r.values).filter(([k]) => /len|trunc|eos|clip/i.test(k)).map(([k, v]) => `${k}=${v.toFixed(2)}`).join(' ')); }
  trainer.dispose();
}
void main();
