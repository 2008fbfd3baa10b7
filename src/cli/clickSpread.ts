/**
 * Where the click policies click: SFT imitates the box's centre, RL pays any point in the box.
 * For each checkpoint given, G = 8 samples (temperature 1) on the same 64 held-out ID click
 * prompts (the trainer's evaluation seeds), and: the hit rate, the share of hits exactly on the
 * gold click (the centre unit), and the mean number of distinct points hit per prompt with a hit.
 *   npx tsx src/cli/clickSpread.ts public/checkpoints/click runs/click/grpo-save
 */
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { Policy } from '../engine/model';
import { parseResponse } from '../engine/rewards';
import { TASKS } from '../engine/tasks';
import { insideBox, parseClick, targetBox } from '../engine/tasks/click';
import { answerWords } from '../engine/tokenizer';
import { instancesToTensors, rows } from '../engine/train/batch';
import { heldOutInstances } from '../engine/train/evaluate';

const G = 8;
const N = 64;
const MAX_NEW = 24;

async function main(): Promise<void> {
  await initBackend('wasm');
  const instances = heldOutInstances(TASKS.click, { split: 'id', n: N, difficulty: 'mixed', imageSize: 32, jitter: 0.5 });
  for (const dir of process.argv.slice(2)) {
    const policy = await Policy.fromCheckpoint(fileHandler(dir));
    const { images, prompts } = instancesToTensors(instances, policy.config.promptLen);
    const out = await policy.sample(images, prompts, { groupSize: G, temperature: 1, topK: 0, maxNewTokens: MAX_NEW, seed: 5, greedy: false });
    const responses = rows(out.tokenIds, N * G, MAX_NEW);
    let [hits, centre, spots, withHit] = [0, 0, 0, 0];
    instances.forEach((inst, b) => {
      const box = targetBox(inst);
      const points = new Set<string>();
      for (let g = 0; g < G; g++) {
        const answer = parseResponse(responses[b * G + g]!, 3).answer;
        const p = answer === null ? null : parseClick(answerWords(answer));
        if (!p?.ok || !insideBox(box, p.x, p.y)) continue;
        hits++;
        if (`click ${p.x} ${p.y}` === inst.answer) centre++;
        points.add(`${p.x} ${p.y}`);
      }
      if (points.size > 0) [spots, withHit] = [spots + points.size, withHit + 1];
    });
    policy.dispose();
    const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
    process.stdout.write(`${dir}: hits ${pc(hits / (N * G))} of ${N * G}; on the gold centre ${pc(centre / Math.max(1, hits))} of hits; distinct points hit per prompt with a hit ${(spots / Math.max(1, withHit)).toFixed(2)} (${withHit} prompts)\n`);
  }
}
void main();
