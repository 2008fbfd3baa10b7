/**
 * The task data as files Hugging Face `datasets` reads: per split a folder of PNGs and a
 * metadata.jsonl whose `file_name` column names them (the ImageFolder layout,
 * https://huggingface.co/docs/datasets/image_dataset#imagefolder: `load_dataset("imagefolder",
 * data_dir="data/train")`; the same file loads with `load_dataset("json", data_files=...)`).
 *
 * Splits: train (ID prompts, the run's level), test (held-out ID prompts), ood (the task's
 * novel-answer split) and shift (its visual-shift split: ID answers, pictures drawn differently). Seeds are disjoint across splits (mixSeed with a split base).
 */
import type { RunConfig } from '../config';
import { mixSeed } from '../random';
import { TASKS, type Split, type TaskId, type TaskInstance } from '../tasks';
import { BOS, decode } from '../tokenizer';
import { encodePng } from './png';

export interface DataRow {
  file_name: string;
  /** EasyR1 reads images from a list of paths (data.image_key), relative to data.image_dir (data/). */
  images: string[];
  /** The question, without <bos>. */
  prompt: string;
  /** The gold answer (TRL's accuracy_reward reads the `solution` column). */
  solution: string;
  /** The gold reasoning, words separated by spaces (step_reward). */
  trace: string;
  task: TaskId;
  split: Split;
  difficulty: number;
  seed: number;
  /** JSON {task, answer, trace}: EasyR1 passes one string column (data.answer_key) to its reward function. */
  ground_truth: string;
}

export interface DataSplit {
  name: 'train' | 'test' | 'ood' | 'shift';
  rows: DataRow[];
  instances: TaskInstance[];
}

export interface DataOptions {
  /** Training examples; test and ood get max(16, n / 10) each. */
  n: number;
}

const BASE: Record<DataSplit['name'], number> = { train: 0x7e57, test: 0x7e58, ood: 0x7e59, shift: 0x7e5a };

export function evalCount(n: number): number {
  return Math.max(16, Math.ceil(n / 10));
}

/** The instances of each split for a config (its task, level, image size and jitter; seeds from run.seed). */
export function taskSplits(c: RunConfig, { n }: DataOptions): DataSplit[] {
  const task = TASKS[c.task.task];
  const make = (name: DataSplit['name'], count: number, split: Split): DataSplit => {
    const instances = Array.from({ length: count }, (_, k) =>
      task.generate({ seed: mixSeed(c.run.seed, BASE[name], k), split, difficulty: c.task.difficulty, imageSize: c.task.imageSize, jitter: c.task.jitter }),
    );
    const rows = instances.map((inst, k): DataRow => {
      const file = `${String(k).padStart(5, '0')}.png`;
      const trace = inst.goldTrace.join(' ');
      return {
        file_name: file,
        images: [`${name}/${file}`],
        prompt: decode(inst.promptTokens.filter((t) => t !== BOS)),
        solution: inst.answer,
        trace,
        task: inst.taskId,
        split: inst.split,
        difficulty: inst.difficulty,
        seed: inst.seed,
        ground_truth: JSON.stringify({ task: inst.taskId, answer: inst.answer, trace }),
      };
    });
    return { name, rows, instances };
  };
  return [make('train', n, 'id'), make('test', evalCount(n), 'id'), make('ood', evalCount(n), 'ood'), make('shift', evalCount(n), 'shift')];
}

/** The files of one split: data/<split>/metadata.jsonl and data/<split>/NNNNN.png. */
export function splitFiles(s: DataSplit, onImage?: (k: number) => void): { path: string; data: Uint8Array | string }[] {
  const files: { path: string; data: Uint8Array | string }[] = [{ path: `data/${s.name}/metadata.jsonl`, data: s.rows.map((r) => JSON.stringify(r)).join('\n') + '\n' }];
  s.instances.forEach((inst, k) => {
    files.push({ path: `data/${s.name}/${s.rows[k]!.file_name}`, data: encodePng(inst.image, inst.imageSize) });
    onImage?.(k);
  });
  return files;
}
