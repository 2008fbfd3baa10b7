import { applyPreset } from '../engine/presets';
import { createTrainer } from '../engine/train/trainer';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
async function main() {
  await initBackend('wasm');
  const deps = { loadWarmStart: (task: string) => fileHandler(`public/checkpoints/${task}`) };
  const trainer = await createTrainer(applyPreset('grpo', { run: { iterations: 200, evalEvery: 0 } }), deps);
  for (let i = 0; i < 3; i++) await trainer.step();
  const N = Number(process.env.N ?? 10);
  let t = 0; const p = [0, 0, 0];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now(); const r = await trainer.step(); t += performance.now() - t0;
    const v = r.values; p[0]! += v['time/rollout_ms'] ?? 0; p[1]! += v['time/logprob_ms'] ?? 0; p[2]! += (v['time/update_ms'] ?? 0) - (v['time/logprob_ms'] ?? 0);
  }
  console.log(JSON.stringify({ iter: t / N, rollout: p[0]! / N, logprob: p[1]! / N, update: p[2]! / N }));
  trainer.dispose();
}
void main();
