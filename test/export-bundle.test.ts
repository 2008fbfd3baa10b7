/**
 * The bundle's pieces in-process (fast): the ZIP writer against its own reader and known
 * CRCs, the PNG encoder against node:zlib, the bundle's file list and data layout, and the
 * option names the TRL script and the EasyR1 config use, checked against the lists copied
 * from TRL 1.9.0 and EasyR1 (src/engine/export/grpoConfigFields.ts, easyr1.ts). Python runs
 * in test/export-bundle.slow.test.ts.
 */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PRESET_IDS, applyPreset } from '../src/engine/presets';
import { bundleFiles, buildBundle, bundleFileName } from '../src/engine/export/bundle';
import { EASYR1_KEYS, easyr1Mapping, easyr1Yaml } from '../src/engine/export/easyr1';
import { KNOWN_GRPO_OPTIONS } from '../src/engine/export/grpoConfigFields';
import { encodePng } from '../src/engine/export/png';
import { rewardCases } from '../src/engine/export/samples';
import { TRL_VERSION, rlExportRefusal, trlScript, trlScriptArgs } from '../src/engine/export/trl';
import { crc32, fromUtf8, unzip, utf8, zip } from '../src/engine/export/zip';
import { TASKS, TASK_IDS } from '../src/engine/tasks';
import type { TaskId } from '../src/engine/tasks/types';

describe('zip', () => {
  it('computes the standard CRC-32 and reads back what it wrote', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    const files = [
      { path: 'a.txt', data: 'hello' },
      { path: 'dir/b.bin', data: new Uint8Array([0, 1, 2, 255]) },
      { path: 'dir/ünï.txt', data: '' },
    ];
    const back = unzip(zip(files));
    expect([...back.keys()]).toEqual(['a.txt', 'dir/b.bin', 'dir/ünï.txt']);
    expect(fromUtf8(back.get('a.txt')!)).toBe('hello');
    expect([...back.get('dir/b.bin')!]).toEqual([0, 1, 2, 255]);
    expect(back.get('dir/ünï.txt')!.length).toBe(0);
  });
  it('refuses unsafe or repeated paths, and a damaged archive', () => {
    for (const path of ['', '/abs', 'a/../b', 'a\\b']) expect(() => zip([{ path, data: 'x' }])).toThrow(/bad path/);
    expect(() => zip([{ path: 'a', data: 'x' }, { path: 'a', data: 'y' }])).toThrow(/twice/);
    const z = zip([{ path: 'a', data: 'xyz' }]);
    expect(() => unzip(z.subarray(0, 10))).toThrow(/not a ZIP, or truncated/);
    const bad = z.slice();
    bad[31] = bad[31]! ^ 1; // a byte of the entry's data (after the 30-byte header and the 1-byte name)
    expect(() => unzip(bad)).toThrow(/CRC mismatch/);
  });
});

describe('png', () => {
  it('encodes RGB that zlib inflates back to the same pixels', () => {
    const inst = TASKS['digit-sum'].generate({ seed: 3, split: 'id', difficulty: 3, imageSize: 32, jitter: 0.5 });
    const png = encodePng(inst.image, 32);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(16)).toBe(32); // IHDR width
    // Chunks: IHDR (8 + 13 + 4 bytes after the signature), then IDAT.
    const idatLen = view.getUint32(33);
    expect(fromUtf8(png.subarray(37, 41))).toBe('IDAT');
    expect(crc32(png.subarray(37, 41 + idatLen))).toBe(view.getUint32(41 + idatLen));
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw.length).toBe(32 * (1 + 96));
    for (let y = 0; y < 32; y++) {
      expect(raw[y * 97]).toBe(0);
      for (let i = 0; i < 96; i++) expect(raw[y * 97 + 1 + i]).toBe(Math.round(inst.image[y * 96 + i]! * 255));
    }
    expect(() => encodePng(new Float32Array(5), 2)).toThrow(/expected 12/);
  });
});

describe('bundle', () => {
  it('holds the data in ImageFolder layout, the rewards, both trainers\' configs and a README', () => {
    const c = applyPreset('grpo', { task: { task: 'count' } });
    const progress: number[] = [];
    const archive = buildBundle(c, { n: 20, runName: 'my run', metrics: [], onProgress: (p) => progress.push(p) });
    const files = unzip(archive);
    const names = [...files.keys()];
    for (const f of ['README.md', 'config.json', 'metrics.jsonl', 'rewards.py', 'check_rewards.py', 'tests/reward_cases.jsonl', 'trl/train_grpo.py', 'trl/mapping.md', 'easyr1/config.yaml', 'easyr1/format_prompt.jinja', 'easyr1/mapping.md']) {
      expect(names).toContain(f);
    }
    expect(progress.at(-1)).toBe(1);
    for (const [split, n] of [['train', 20], ['test', 16], ['ood', 16], ['shift', 16]] as const) {
      const rows = fromUtf8(files.get(`data/${split}/metadata.jsonl`)!).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows).toHaveLength(n);
      for (const r of rows) {
        expect(files.has(`data/${split}/${String(r.file_name)}`)).toBe(true);
        expect(r.images).toEqual([`${split}/${String(r.file_name)}`]);
        expect(r.split).toBe(split === 'ood' || split === 'shift' ? split : 'id');
        expect(r.task).toBe('count');
        expect(JSON.parse(String(r.ground_truth))).toEqual({ task: 'count', answer: r.solution, trace: r.trace });
      }
    }
    expect(names.filter((n) => n.endsWith('.png'))).toHaveLength(68);
    const readme = fromUtf8(files.get('README.md')!);
    expect(readme).toContain(`trl==${TRL_VERSION}`);
    expect(readme).toContain('python3 -m verl.trainer.main config=easyr1/config.yaml');
    expect(readme).toMatch(/No counterpart in TRL: .*`run.init`/);
    const script = fromUtf8(files.get('trl/train_grpo.py')!);
    expect(script).toContain('from rewards import accuracy_reward, format_reward');
    expect(script).toContain('load_dataset("imagefolder", data_dir=os.path.join(HERE, "data", "train"), split="train")');
    expect(readme).toContain('`data/shift/` | 16 visual-shift prompts');
    expect(bundleFileName('GRPO · count #1')).toBe('GRPO-count-1.bundle.zip');
  });

  it('an SFT or RFT run gets the data and the rewards, no RL script: the README says why, naming the field', () => {
    for (const preset of ['sft', 'rft'] as const) {
      const c = applyPreset(preset, { task: { task: 'count' } });
      const files = bundleFiles(c, { n: 4 });
      const names = files.map((f) => f.path);
      expect(names.filter((n) => n.startsWith('trl/') || n.startsWith('easyr1/')), preset).toEqual([]);
      for (const f of ['README.md', 'rewards.py', 'data/train/metadata.jsonl', 'data/shift/metadata.jsonl']) expect(names, preset).toContain(f);
      const readme = String(files.find((f) => f.path === 'README.md')!.data);
      expect(readme).toContain(`objective.algorithm is ${preset}`);
      expect(readme).not.toContain('python3 trl/train_grpo.py');
      expect(() => trlScript(c)).toThrow(new RegExp(`^objective\\.algorithm is ${preset} .*set objective\\.algorithm to an RL algorithm`));
      expect(() => easyr1Yaml(c)).toThrow(/objective\.algorithm is/);
    }
    expect(() => trlScript(applyPreset('sft'))).toThrow(/SFTTrainer/);
    expect(() => trlScript(applyPreset('rft'))).toThrow(/no rejection-sampling trainer: sample G answers per prompt/);
  });

  it('is the same bytes for the same config (fixed timestamps, seeded data)', () => {
    const c = applyPreset('dapo');
    expect(buildBundle(c, { n: 4 })).toEqual(buildBundle(c, { n: 4 }));
    expect(() => bundleFiles(c, { n: 0 })).toThrow(/n must be an integer/);
  });
});

describe('option names exist in the trainers they are written for', () => {
  for (const id of PRESET_IDS) {
    it(id, () => {
      const c = applyPreset(id, { objective: { entropyCoef: 0.01 } });
      if (rlExportRefusal(c)) return; // SFT, RFT: no RL script (tested above)
      const script = trlScript(c);
      const call = /^config = GRPOConfig\(\n([\s\S]*?)^\)/m.exec(script)![1]!;
      const named = [...call.matchAll(/^ {4}([a-z_]+)=/gm)].map((m) => m[1]!);
      expect(named).toEqual(trlScriptArgs(c));
      for (const arg of named) expect(KNOWN_GRPO_OPTIONS.has(arg), `GRPOConfig(${arg}=...) in TRL ${TRL_VERSION}`).toBe(true);
      for (const r of easyr1Mapping(c)) if (r.key) expect(EASYR1_KEYS.has(r.key), `EasyR1 key ${r.key}`).toBe(true);
      expect(easyr1Yaml(c)).not.toMatch(/: \d+e-\d/); // YAML 1.1 reads "1e-7" as a string
    });
  }
});

describe('the sampling tricks in the EasyR1 mapping', () => {
  it('online filtering writes max_try_make_batch = maxExtraRounds + 1; its freeze and ThinkLite selection have no counterpart', () => {
    const c = applyPreset('grpo', { tricks: { onlineFilter: true, maxExtraRounds: 4, filterFreezeIters: 3, selectByDifficulty: true } });
    const rows = easyr1Mapping(c);
    expect(rows.find((r) => r.key === 'trainer.max_try_make_batch')).toMatchObject({ value: '5', status: 'approx' });
    expect(easyr1Yaml(c)).toMatch(/max_try_make_batch: 5/);
    for (const ours of ['tricks.filterFreezeIters', 'tricks.selectByDifficulty']) expect(rows.find((r) => r.ours === ours)?.status, ours).toBe('none');
    expect(trlScript(c)).toContain('tricks.selectByDifficulty');
  });
});

describe('reward cases', () => {
  it('cover every task with right, wrong and malformed responses, scored by the TypeScript rewards', () => {
    const insts = TASK_IDS.flatMap((t) => [1, 2].map((seed) => TASKS[t].generate({ seed, split: 'id', difficulty: 2, imageSize: 32, jitter: 0.5 })));
    const cases = rewardCases(insts, { maxNewTokens: 24, cache: 4 });
    expect(new Set(cases.map((c) => c.task))).toEqual(new Set(TASK_IDS));
    const byKind = (k: string) => cases.filter((c) => c.kind === k);
    for (const c of byKind('correct')) expect(c.scores).toMatchObject({ accuracy: 1, format: 1, step: 1 });
    // A graded answer (a box one word off) may keep part of its score; an exact one keeps none.
    for (const c of byKind('wrong-answer')) {
      expect(c.scores.format).toBe(1);
      expect(c.scores.accuracy).toBeLessThan(1);
      if (!TASKS[c.task as TaskId].scoreAnswer) expect(c.scores.accuracy).toBe(0);
    }
    // Every box reward of every locate case, for check_rewards.py.
    for (const c of cases) expect(Object.keys(c.box ?? {}).length).toBe(TASKS[c.task as TaskId].goldBox ? 3 : 0);
    for (const c of byKind('empty-answer')) expect(c.scores).toMatchObject({ accuracy: 0, format: 0 });
    for (const c of byKind('truncated')) expect(c.scores.length).toBe(-1);
    for (const c of byKind('because')) expect(c.scores.hackable).toBe(1);
  });

  it('pay each locate case the box rewards\' accuracies, the values check_rewards.py re-scores (pinned)', () => {
    const insts = [1, 2].map((seed) => TASKS.locate.generate({ seed, split: 'id', difficulty: 2, imageSize: 32, jitter: 0.5 }));
    const cases = rewardCases(insts, { maxNewTokens: 24, cache: 4 });
    expect(cases).toHaveLength(2 * 37);
    // Where the three box rewards agree, they pay the case's accuracy (the task's IoU: 1 or 0 here).
    const same = cases.filter((c) => c.box?.iou === c.box?.iou50 && c.box?.iou === c.box?.recall);
    for (const c of same) expect(c.box?.iou, c.kind).toBe(c.scores.accuracy);
    expect(same.map((c) => c.scores.accuracy).reduce((a, b) => a + b, 0)).toBe(2 * 13); // 13 of each instance's 37 cases answer the gold box inside their tags
    // The rest, as IoU, IoU >= 0.5 and recall (4 decimals): boxes the rewards pay differently. The
    // whole image (64 cells) over a 3 x 3 gold box: IoU 9/64 = 0.1406, recall 1.
    const r = (x: number | undefined) => (x === undefined ? '-' : String(Math.round(x * 1e4) / 1e4));
    expect(cases.filter((c) => !same.includes(c)).map((c) => `${c.kind} ${r(c.box?.iou)} ${r(c.box?.iou50)} ${r(c.box?.recall)}`)).toMatchInlineSnapshot(`
      [
        "box-whole-image 0.1406 0 1",
        "box-shifted 0.5 1 0.6667",
        "box-grown 0.5625 1 1",
        "reversed-answer 0.4 0 0.6667",
        "box-whole-image 0.1406 0 1",
        "box-shifted 0.5 1 0.6667",
        "box-grown 0.75 1 1",
        "reversed-answer 0.2609 0 0.6667",
      ]
    `);
  });
});
