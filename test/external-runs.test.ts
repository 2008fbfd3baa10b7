/**
 * Real runs in: the parsers (src/engine/export/external.ts) on fixtures written from each
 * format's source (test/fixtures/external/README.md cites them: transformers TrainerState and
 * TRL 1.9.0 GRPOTrainer's metric names; EasyR1's FileLogger experiment_log.jsonl; a W&B panel's
 * CSV export), the broken versions of each (truncated, missing steps, strings where numbers
 * belong, over the 64 MB limit, checked by size without allocating it). The app's adapter to
 * its own run file is tested beside it (src/app/lib/externalRun.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXT_PREFIX, MAX_EXTERNAL_BYTES, detectExternalFormat, mappingTable, parseTrainerState, parseVerlJsonl, parseWandbCsv, type ExternalRun } from '../src/engine/export/external';
import { METRIC_KEYS } from '../src/engine/train/metrics';

const fixture = (name: string) => readFileSync(`test/fixtures/external/${name}`, 'utf8');
const TRL = fixture('trainer_state.json');
const VERL = fixture('experiment_log.jsonl');
const WANDB = fixture('wandb_export.csv');

const series = (run: ExternalRun, key: string) => run.records.map((r) => r.values[key]);
const known = new Set<string>(METRIC_KEYS);
/** Every stored key is this project's, a per-function reward, or kept under its own name. */
function keysAreOurs(run: ExternalRun) {
  for (const r of run.records) for (const k of Object.keys(r.values)) expect(known.has(k) || /^reward\/\w+\/mean$/.test(k) || k.startsWith(EXT_PREFIX), k).toBe(true);
}

describe('TRL trainer_state.json', () => {
  it('maps log_history onto the playground\'s keys, merging the eval entry into its step', () => {
    const run = parseTrainerState(TRL, 'out/checkpoint-4/trainer_state.json');
    expect(run.name).toBe('TRL: trainer_state');
    expect(run.records.map((r) => r.iteration)).toEqual([1, 2, 3, 4]);
    expect(series(run, 'reward/mean')).toEqual([0.62, 0.71, 0.83, 0.94]);
    expect(series(run, 'acc/train')).toEqual([0.31, 0.35, 0.42, 0.47]);
    expect(series(run, 'reward/accuracy/mean')).toEqual([0.31, 0.35, 0.42, 0.47]);
    expect(series(run, 'kl/ref')).toEqual([0, 0.0031, 0.0062, 0.0094]);
    expect(series(run, 'len/mean')).toEqual([14.5, 13.9, 13.1, 12.6]);
    expect(series(run, 'loss/policy')).toEqual([0.0012, 0.0009, 0.0015, 0.0011]);
    expect(run.records[1]!.values['acc/eval_id']).toBe(0.33);
    // No counterpart: kept under its own name.
    expect(series(run, `${EXT_PREFIX}num_tokens`)).toEqual([2210, 4380, 6500, 8610]);
    expect(run.records[1]!.values[`${EXT_PREFIX}eval_reward`]).toBe(0.69);
    // Bookkeeping (epoch, runtimes, the train summary) is not a metric.
    for (const r of run.records) for (const k of Object.keys(r.values)) expect(k).not.toMatch(/epoch|runtime|train_loss|total_flos/);
    expect(run.mapping.find((m) => m.from === 'reward')).toMatchObject({ to: ['reward/mean'], status: 'mapped' });
    expect(run.mapping.find((m) => m.from === 'num_tokens')).toMatchObject({ status: 'kept' });
    keysAreOurs(run);
  });

  it('prefers policy_loss over loss for loss/policy, whatever order they are logged in', () => {
    const text = JSON.stringify({ log_history: [{ loss: 5, policy_loss: 2, step: 1 }] });
    const run = parseTrainerState(text);
    expect(run.records[0]!.values['loss/policy']).toBe(2);
    expect(run.records[0]!.values[`${EXT_PREFIX}loss`]).toBe(5);
  });

  it.each([
    ['truncated', TRL.slice(0, TRL.length / 2), /^Truncated file: the trainer_state.json stops before its JSON ends\.$/],
    ['not TRL', '{"global_step": 3}', /^Not a TRL trainer_state.json: it has no "log_history" list\.$/],
    ['missing step', JSON.stringify({ log_history: [{ reward: 1, step: 1 }, { reward: 2 }] }), /^Missing step: log_history\[1\] has no "step"\.$/],
    ['string for a number', JSON.stringify({ log_history: [{ reward: 'high', step: 1 }] }), /^Not a number: "reward" at step 1 is "high"\.$/],
    ['no steps', JSON.stringify({ log_history: [] }), /^No metrics: the TRL trainer_state.json holds no logged steps\.$/],
  ])('%s: one sentence naming what is wrong', (_, text, message) => {
    expect(() => parseTrainerState(text)).toThrow(message);
  });
});

describe('veRL / EasyR1 experiment_log.jsonl', () => {
  it('flattens EasyR1\'s nested lines, maps them, and shifts a step-0 validation to iteration 1', () => {
    const run = parseVerlJsonl(VERL, 'checkpoints/easy_r1/experiment_log.jsonl');
    expect(run.records.map((r) => r.iteration)).toEqual([1, 2, 3, 4]);
    expect(run.records[0]!.values['acc/eval_id']).toBe(0.28);
    expect(series(run, 'reward/mean').slice(1)).toEqual([0.48, 0.57, 0.66]);
    expect(series(run, 'clip/high').slice(1)).toEqual([0, 0.002, 0.001]);
    expect(series(run, 'policy/approx_kl').slice(1)).toEqual([0, 0.0004, 0.0006]);
    expect(series(run, 'entropy').slice(1)).toEqual([0.93, 0.9, 0.87]);
    expect(series(run, 'len/truncated_frac').slice(1)).toEqual([0.1, 0.05, 0]);
    expect(series(run, 'time/rollout_ms').slice(1)).toEqual([4100, 3900, 3800]);
    expect(series(run, 'kl/beta').slice(1)).toEqual([0.01, 0.01, 0.01]);
    expect(run.records[3]!.values['acc/eval_id']).toBe(0.39);
    expect(run.records.map((r) => Math.round(r.wallMs))).toEqual([0, 12900, 25300, 37400]);
    expect(series(run, `${EXT_PREFIX}reward/overall`).slice(1)).toEqual([0.48, 0.57, 0.66]);
    expect(run.notes.join(' ')).toMatch(/step 0/);
    keysAreOurs(run);
  });

  it('reads veRL\'s flat keys too, with the metrics under "data" or beside "step"', () => {
    const run = parseVerlJsonl('{"step": 1, "actor/pg_clipfrac": 0.1, "actor/ppo_kl": 0.02, "critic/score/mean": 0.5, "response_length/mean": 30}\n{"step": 2, "data": {"actor/pg_clipfrac": 0.2}}\n');
    expect(run.records[0]!.values).toMatchObject({ 'clip/region': 0.1, 'policy/approx_kl': 0.02, 'reward/mean': 0.5, 'len/mean': 30 });
    expect(run.records[1]!.values['clip/region']).toBe(0.2);
  });

  it.each([
    ['truncated', VERL.slice(0, VERL.length - 40), /^Truncated file: line 4, the last, stops before its JSON ends\.$/],
    ['a bad line inside', '{"step": 1}\n{oops\n{"step": 3}\n', /^Not JSON: line 2 of the metrics JSONL does not parse\.$/],
    ['missing step', '{"step": 1, "actor": {"pg_loss": 0.1}}\n{"actor": {"pg_loss": 0.2}}\n', /^Missing step: line 2 has no "step"\.$/],
    ['string for a number', '{"step": 1, "actor": {"pg_loss": "0.1x"}}\n', /^Not a number: "actor\/pg_loss" on line 1 is "0.1x"\.$/],
    ['negative step', '{"step": -1}\n', /^Bad step: line 1 has step -1, not a whole number >= 0\.$/],
  ])('%s: one sentence naming what is wrong', (_, text, message) => {
    expect(() => parseVerlJsonl(text)).toThrow(message);
  });
});

describe('W&B CSV export', () => {
  it('strips the run-name prefix, drops __MIN/__MAX, maps TRL\'s train/ and eval/ names', () => {
    const run = parseWandbCsv(WANDB, 'wandb_export_2026-07-01.csv');
    expect(run.records.map((r) => r.iteration)).toEqual([1, 2, 3, 4]);
    expect(series(run, 'reward/mean')).toEqual([0.62, 0.71, 0.83, 0.94]);
    expect(series(run, 'kl/ref')).toEqual([0, 0.0031, 0.0062, 0.0094]);
    expect(series(run, 'acc/train')).toEqual([0.31, 0.35, 0.42, 0.47]);
    expect(series(run, 'grad/norm')).toEqual([1.73, 1.52, 1.44, 1.31]);
    expect(series(run, 'acc/eval_id')).toEqual([undefined, 0.33, undefined, undefined]); // empty cells are gaps
    expect(series(run, `${EXT_PREFIX}train/num_tokens`)).toEqual([2210, 4380, 6500, 8610]);
    for (const r of run.records) for (const k of Object.keys(r.values)) expect(k).not.toMatch(/__M(IN|AX)/);
    expect(run.notes.join(' ')).toMatch(/Dropped 2 __MIN\/__MAX/);
    keysAreOurs(run);
  });

  it('reads a run-table export (Step, plain metric names, quoted cells, CRLF)', () => {
    const run = parseWandbCsv('"Step","train/reward","actor/pg_clipfrac"\r\n1,"0.5",0.1\r\n2,NaN,0.2\r\n');
    expect(run.records.map((r) => r.values)).toEqual([{ 'reward/mean': 0.5, 'clip/region': 0.1 }, { 'clip/region': 0.2 }]);
  });

  it.each([
    ['truncated', WANDB.slice(0, WANDB.lastIndexOf('\n', WANDB.length - 2) + 8), /^Truncated file: the last row \(line 5\) has \d+ of 10 columns\.$/],
    ['no Step column', 'time,reward\n1,2\n', /^Not a W&B CSV export: no "Step" column among \["time","reward"\]\.$/],
    ['missing step', 'Step,train/reward\n1,0.5\n,0.6\n', /^Missing step: line 3 has an empty "Step"\.$/],
    ['string for a number', 'Step,train/reward\n1,0.5\n2,lots\n', /^Not a number: "train\/reward" on line 3 is "lots"\.$/],
    ['cut inside quotes', 'Step,train/reward\n1,"0.5', /^Truncated file: the CSV ends inside a quoted field\.$/],
  ])('%s: one sentence naming what is wrong', (_, text, message) => {
    expect(() => parseWandbCsv(text)).toThrow(message);
  });
});

describe('size, detection and the mapping tables', () => {
  it('refuses a file over 64 MB by its size, before parsing (no 64 MB string made)', () => {
    for (const parse of [parseTrainerState, parseVerlJsonl, parseWandbCsv]) expect(() => parse(TRL, 'big', MAX_EXTERNAL_BYTES + 1)).toThrow(/^File too large: 64\.0 MB \(at most 64\.0 MB\)\.$/);
  });

  it('tells the formats apart, and leaves the playground\'s own files alone', () => {
    expect(detectExternalFormat(TRL, 'trainer_state.json')).toBe('trl');
    expect(detectExternalFormat(VERL, 'experiment_log.jsonl')).toBe('verl');
    expect(detectExternalFormat(WANDB, 'export.csv')).toBe('wandb');
    expect(detectExternalFormat(WANDB, 'export.txt')).toBe('wandb');
    expect(detectExternalFormat('{"format": "rft-playground/run", "version": 1}', 'x.json')).toBeNull();
    expect(detectExternalFormat('[1, 2]', 'x.json')).toBeNull();
  });

  it('shows a mapping table per format, every target one of this project\'s keys', () => {
    for (const f of ['trl', 'verl', 'wandb'] as const) {
      const rows = mappingTable(f);
      expect(rows.length).toBeGreaterThan(10);
      for (const r of rows) for (const k of r.to.split(', ')) expect(known.has(k) || /^reward\/\w+\/mean$/.test(k), `${f}: ${r.from} -> ${k}`).toBe(true);
    }
  });
});
