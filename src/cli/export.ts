/**
 * npm run export -- --out DIR|bundle.zip [--run runs/x.jsonl] [--preset grpo --task digit-sum --n 1000]
 *
 * The app's "Download bundle" from the command line: the task data (ImageFolder PNGs +
 * metadata.jsonl), rewards.py with its self-check, a TRL GRPOTrainer script and an EasyR1
 * config for the run's config (src/engine/export/bundle.ts), as a folder or one ZIP.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bundleFiles } from '../engine/export/bundle';
import { PRESETS } from '../engine/presets';
import { rlExportRefusal } from '../engine/export/trl';
import { zip } from '../engine/export/zip';
import { runCli } from './args';
import { USAGE, parseExportArgs, planExport } from './exportArgs';

runCli(USAGE, async () => {
  const args = parseExportArgs(process.argv.slice(2));
  const plan = await planExport(args);
  const files = bundleFiles(plan.config, { n: args.n, runName: plan.name, presetTitle: PRESETS[plan.config.preset as keyof typeof PRESETS]?.title ?? plan.config.preset, metrics: plan.metrics, iteration: plan.metrics?.at(-1)?.iteration });
  if (args.out.endsWith('.zip')) {
    await mkdir(dirname(args.out), { recursive: true });
    await writeFile(args.out, zip(files));
  } else {
    for (const f of files) {
      const path = join(args.out, ...f.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.data);
    }
  }
  const refusal = rlExportRefusal(plan.config);
  process.stdout.write(
    `${plan.name}: ${files.length} files (${plan.config.preset} on ${plan.config.task.task}, ${args.n} training prompts) -> ${args.out}\n` +
      (refusal ? `  python3 check_rewards.py (see README.md). No TRL or EasyR1 script: ${refusal}\n` : `  python3 check_rewards.py; python3 trl/train_grpo.py; python3 -m verl.trainer.main config=easyr1/config.yaml (see README.md)\n`),
  );
});
