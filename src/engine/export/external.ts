/**
 * Real runs in: a trainer's logs as playground metrics records, with every metric name
 * mapped onto this project's keys (src/engine/train/metrics.ts) where one means the same, and
 * kept under its own name (as `ext/<name>`, charted as "<name>") where none does.
 *
 * Three formats, each a pure function text -> ExternalRun (or a one-sentence Error):
 *
 * - TRL: the `trainer_state.json` transformers' Trainer saves in each checkpoint
 *   (transformers src/transformers/trainer_callback.py TrainerState: `log_history`, a list of
 *   the dicts Trainer.log wrote, each with "step" and "epoch"). Metric names as TRL 1.9.0's
 *   GRPOTrainer logs them (trl/trainer/grpo_trainer.py `self._metrics[mode][...]`: reward,
 *   reward_std, rewards/<func>/mean, kl, entropy, clip_ratio/{low_mean,high_mean,region_mean},
 *   completions/{mean_length,max_length,clipped_ratio}, frac_reward_zero_std) plus Trainer's
 *   loss, grad_norm, learning_rate; evaluation entries carry the same names with "eval_".
 * - veRL / EasyR1: `experiment_log.jsonl`, one JSON object per step, as EasyR1's FileLogger
 *   writes it (hiyouga/EasyR1 verl/utils/logger/logger.py: {"step": n, **unflatten_dict(data)},
 *   so keys arrive nested: {"actor": {"pg_loss": ...}}) or flat ("actor/pg_loss"), as veRL's
 *   console/file trackers print them. Names from EasyR1 verl/trainer/metrics.py
 *   (critic/score/mean, response_length/{mean,max,clip_ratio}, critic/advantages/mean,
 *   timing_s/*), verl/workers/actor/dp_actor.py (actor/pg_loss, actor/kl_loss, actor/grad_norm,
 *   actor/{pg_clipfrac_higher,pg_clipfrac_lower,ppo_kl,entropy_loss}), verl/workers/fsdp_workers.py
 *   (actor/lr), verl/trainer/ray_trainer.py (reward/<fn>, val/<fn>_reward, actor/kl_penalty,
 *   actor/kl_coef); veRL's own actor/pg_clipfrac and actor/entropy (volcengine/verl
 *   verl/workers/actor/dp_actor.py) map too.
 * - W&B: the CSV a run table or panel exports: a `Step` column (or `_step`), then one column per
 *   metric, named as the trainer logged it (TRL's arrive as "train/reward", "eval/...";
 *   panel exports prefix "<run name> - " and add "__MIN"/"__MAX" columns, which are dropped).
 *
 * Pure: no DOM, no Node. The app turns an ExternalRun into its run file
 * (src/worker/externalRun.ts externalRunToRunFile) and stores it through its usual import.
 */
import type { MetricsRecord } from '../train/metrics';

export type ExternalFormat = 'trl' | 'verl' | 'wandb';

export const FORMAT_TITLES: Record<ExternalFormat, string> = {
  trl: 'TRL trainer_state.json',
  verl: 'veRL / EasyR1 metrics JSONL',
  wandb: 'W&B CSV export',
};

/** The app's import limit (src/app/lib/exportRun.ts MAX_RUN_FILE_BYTES), for the same reason. */
export const MAX_EXTERNAL_BYTES = 64 * 1024 * 1024;

/** Stored keys of metrics with no counterpart here: `ext/<their own name>`. */
export const EXT_PREFIX = 'ext/';

export interface KeyMap {
  /** The trainer's name for the metric. */
  from: string;
  /** This project's keys it fills (one source may fill two: accuracy is also acc/train). */
  to: string[];
  /** Multiply by this on the way in (seconds -> ms). */
  scale?: number;
  note?: string;
}

export interface MappingRow {
  from: string;
  /** Keys filled; [`ext/<from>`] when the metric has no counterpart here. */
  to: string[];
  status: 'mapped' | 'kept';
  note: string;
}

export interface ExternalRun {
  name: string;
  format: ExternalFormat;
  /** One per logged step, iteration = step (shifted by one when the log has a step 0). */
  records: MetricsRecord[];
  /** Every metric name the file holds, and where it went. */
  mapping: MappingRow[];
  notes: string[];
}

const m = (from: string, to: string | string[], note = '', scale?: number): KeyMap => ({ from, to: Array.isArray(to) ? to : [to], note, ...(scale ? { scale } : {}) });

/** TRL 1.9.0 GRPOTrainer + transformers Trainer names (see the module comment). */
export const TRL_MAP: readonly KeyMap[] = [
  m('reward', 'reward/mean', 'Weighted sum of the reward functions.'),
  m('reward_std', 'reward/std'),
  m('rewards/accuracy_reward/mean', ['acc/train', 'reward/accuracy/mean'], 'The bundle\'s accuracy_reward.'),
  m('rewards/format_reward/mean', ['format/rate', 'reward/format/mean'], 'The bundle\'s format_reward.'),
  m('rewards/step_reward/mean', 'reward/step/mean'),
  m('rewards/length_reward/mean', 'reward/length/mean'),
  m('rewards/hackable_reward/mean', 'reward/hackable/mean'),
  m('rewards/stepRAR_reward/mean', 'reward/stepRAR/mean'),
  m('rewards/stepRVR_reward/mean', 'reward/stepRVR/mean'),
  m('eval_rewards/accuracy_reward/mean', 'acc/eval_id', 'Accuracy on the eval dataset (the bundle\'s data/test).'),
  m('kl', 'kl/ref', 'k3 estimate of KL(π‖π_ref), as the playground\'s default.'),
  m('entropy', 'entropy'),
  m('clip_ratio/low_mean', 'clip/low'),
  m('clip_ratio/high_mean', 'clip/high'),
  m('clip_ratio/region_mean', 'clip/region'),
  m('clip_ratio/low_min', 'clip/low_min', 'Min over processes in TRL, over the iteration\'s optimizer steps here.'),
  m('clip_ratio/high_max', 'clip/high_max', 'Max over processes in TRL, over the iteration\'s optimizer steps here.'),
  m('completions/min_length', 'len/min', 'In the real tokenizer\'s tokens.'),
  m('completions/mean_terminated_length', 'len/terminated_mean', 'Answers that ended before the budget, in the real tokenizer\'s tokens.'),
  m('completions/mean_length', 'len/mean', 'In the real tokenizer\'s tokens.'),
  m('completions/max_length', 'len/max'),
  m('completions/clipped_ratio', 'len/truncated_frac'),
  m('frac_reward_zero_std', 'groups/zero_std_frac'),
  m('policy_loss', 'loss/policy'),
  m('loss', 'loss/policy', 'Trainer\'s loss: the policy loss plus β·KL (used when no policy_loss is logged).'),
  m('grad_norm', 'grad/norm'),
  m('learning_rate', 'lr'),
];

/** EasyR1 / veRL names (see the module comment). */
export const VERL_MAP: readonly KeyMap[] = [
  m('critic/score/mean', 'reward/mean', 'Sequence score before any KL penalty.'),
  m('reward/accuracy', ['acc/train', 'reward/accuracy/mean'], 'rewards.py compute_score\'s "accuracy".'),
  m('reward/format', ['format/rate', 'reward/format/mean']),
  m('reward/step', 'reward/step/mean'),
  m('reward/length', 'reward/length/mean'),
  m('reward/hackable', 'reward/hackable/mean'),
  m('reward/stepRAR', 'reward/stepRAR/mean'),
  m('reward/stepRVR', 'reward/stepRVR/mean'),
  m('val/accuracy_reward', 'acc/eval_id', 'Validation accuracy (data.val_files: the bundle\'s data/test).'),
  m('actor/kl_loss', 'kl/ref', 'KL to the reference, as a loss (use_kl_loss).'),
  m('actor/kl_penalty', 'kl/ref', 'KL to the reference, in the reward.'),
  m('actor/kl_coef', 'kl/beta'),
  m('actor/ppo_kl', 'policy/approx_kl', 'KL(π_old‖π) over the update.'),
  m('actor/pg_clipfrac_lower', 'clip/dual', 'veRL: tokens with A < 0 whose loss the dual clip (clip_ratio_c) capped, not the lower ε clip: the playground\'s clip/dual.'),
  m('actor/pg_clipfrac_higher', 'clip/high'),
  m('actor/pg_clipfrac', 'clip/region', 'veRL: share of tokens clipped.'),
  m('actor/entropy', 'entropy', 'veRL.'),
  m('actor/entropy_loss', 'entropy', 'EasyR1: mean −log π of the sampled tokens, an entropy estimate.'),
  m('actor/pg_loss', 'loss/policy'),
  m('actor/grad_norm', 'grad/norm'),
  m('actor/lr', 'lr'),
  m('response_length/mean', 'len/mean', 'In the real tokenizer\'s tokens.'),
  m('response_length/max', 'len/max'),
  m('response_length/clip_ratio', 'len/truncated_frac'),
  m('critic/advantages/mean', 'adv/mean'),
  m('critic/vf_loss', 'loss/value'),
  m('critic/vf_explained_var', 'value/explained_var'),
  m('timing_s/gen', 'time/rollout_ms', 'Seconds → ms.', 1000),
  m('timing_s/update_actor', 'time/update_ms', 'Seconds → ms.', 1000),
  m('perf/throughput', 'throughput/tokens_per_s', 'Per GPU.'),
];

/** Each source name's priority: its place in the maps. */
const ORDER = new Map<KeyMap, number>();
const order = (k: KeyMap): number => ORDER.get(k) ?? Infinity;

[...TRL_MAP, ...VERL_MAP].forEach((k, i) => ORDER.set(k, i));

/** W&B columns: TRL's names behind "train/" or "eval/", else veRL's. */
export const WANDB_PREFIXES = [
  { prefix: 'train/', map: 'trl' },
  { prefix: 'eval/', map: 'trl (as eval_<name>)' },
  { prefix: '', map: 'veRL / EasyR1' },
] as const;

/** The mapping tables the app shows (TrlPanel), one per format. */
export function mappingTable(format: ExternalFormat): { from: string; to: string; note: string }[] {
  const rows = (map: readonly KeyMap[], prefix = '') => map.map((k) => ({ from: `${prefix}${k.from}`, to: k.to.join(', '), note: k.note ?? '' }));
  if (format === 'trl') return rows(TRL_MAP);
  if (format === 'verl') return rows(VERL_MAP);
  return [...rows(TRL_MAP.filter((k) => !k.from.startsWith('eval_')), 'train/'), { from: 'eval/rewards/accuracy_reward/mean', to: 'acc/eval_id', note: '' }, ...rows(VERL_MAP)];
}

// ---------------------------------------------------------------------------------------
// Errors: one sentence, naming what is wrong and where.

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Refuse a file by its size before reading it. */
export function checkExternalSize(bytes: number): void {
  if (bytes > MAX_EXTERNAL_BYTES) throw new Error(`File too large: ${mb(bytes)} (at most ${mb(MAX_EXTERNAL_BYTES)}).`);
}

const shown = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

/** A value from the file as a number: finite -> number; NaN/Infinity spellings and null -> undefined (left out); anything else an error. */
function toNumber(v: unknown, key: string, where: string): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[-+]?(nan|inf(inity)?)$/i.test(t)) return undefined;
    const x = Number(t);
    if (t !== '' && Number.isFinite(x)) return x;
  }
  throw new Error(`Not a number: "${key}" ${where} is ${shown(v)}.`);
}

// ---------------------------------------------------------------------------------------
// Shared: raw rows {step, values by source name} -> records + mapping

interface RawRow {
  step: number;
  values: Map<string, number>;
  wallMs?: number;
}

function build(name: string, format: ExternalFormat, rows: RawRow[], resolve: (key: string) => KeyMap | undefined, notes: string[]): ExternalRun {
  if (rows.length === 0) throw new Error(`No metrics: the ${FORMAT_TITLES[format]} holds no logged steps.`);
  // Merge rows of one step (TRL logs evaluation as a separate entry at the same step), in step order.
  const bySteps = new Map<number, RawRow>();
  for (const r of rows) {
    const had = bySteps.get(r.step);
    if (!had) bySteps.set(r.step, { step: r.step, values: new Map(r.values), wallMs: r.wallMs });
    else {
      for (const [k, v] of r.values) had.values.set(k, v);
      had.wallMs = r.wallMs ?? had.wallMs;
    }
  }
  const steps = [...bySteps.values()].sort((a, b) => a.step - b.step);
  const shift = steps[0]!.step === 0 ? 1 : 0;
  if (shift) notes.push('The log starts at step 0 (validation before training): every step is shown one iteration later.');
  const seen = new Map<string, MappingRow>();
  const records: MetricsRecord[] = [];
  let wall = 0;
  for (const row of steps) {
    const values: Record<string, number> = {};
    const filled = new Set<string>();
    // In the map's order, so its first source for a key wins whatever order the file logs them in.
    const entries = [...row.values].map(([key, v]) => ({ key, v, map: resolve(key) }));
    entries.sort((a, b) => (a.map ? order(a.map) : Infinity) - (b.map ? order(b.map) : Infinity));
    for (const { key, v, map } of entries) {
      // The first source for a key wins (policy_loss before loss); a later one is kept under its own name.
      const targets = map ? map.to.filter((t) => !filled.has(t)) : [];
      if (map && targets.length > 0) {
        for (const t of targets) {
          values[t] = v * (map.scale ?? 1);
          filled.add(t);
        }
        if (!seen.has(key)) seen.set(key, { from: key, to: map.to, status: 'mapped', note: map.note ?? '' });
      } else {
        values[`${EXT_PREFIX}${key}`] = v;
        if (!seen.has(key)) seen.set(key, { from: key, to: [`${EXT_PREFIX}${key}`], status: 'kept', note: map ? `Another metric already fills ${map.to.join(', ')}.` : 'No counterpart here: charted under its own name.' });
      }
    }
    wall = row.wallMs ?? wall;
    records.push({ iteration: row.step + shift, wallMs: Math.max(0, wall), klEstimator: 'k3', difficulty: 1, values });
  }
  const mapping = [...seen.values()].sort((a, b) => (a.status === b.status ? a.from.localeCompare(b.from) : a.status === 'mapped' ? -1 : 1));
  return { name, format, records, mapping, notes };
}

const byName = (map: readonly KeyMap[]) => {
  const idx = new Map(map.map((k) => [k.from, k]));
  return (key: string) => idx.get(key);
};

/** Depth-first "a/b/c" keys of a nested object (EasyR1's unflattened log lines). */
function flatten(obj: Record<string, unknown>, prefix: string, out: [string, unknown][]): [string, unknown][] {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out.push([key, v]);
  }
  return out;
}

/** JSON.parse, with "Truncated file" when the text stops before the JSON does. */
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /position (\d+)/.exec(msg);
    if (/end of JSON input|Unterminated/i.test(msg) || (at !== null && Number(at[1]) >= text.trimEnd().length)) throw new Error(`Truncated file: the ${what} stops before its JSON ends.`, { cause: e });
    throw new Error(`Not JSON: the ${what} does not parse (${msg}).`, { cause: e });
  }
}

const stepOf = (v: unknown, where: string): number => {
  if (v === undefined || v === null) throw new Error(`Missing step: ${where} has no "step".`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`Bad step: ${where} has step ${shown(v)}, not a whole number >= 0.`);
  return v;
};

// ---------------------------------------------------------------------------------------
// TRL trainer_state.json

/** Keys of a log_history entry that are bookkeeping, not metrics. */
const TRL_SKIP = new Set(['step', 'epoch', 'total_flos', 'train_runtime', 'train_samples_per_second', 'train_steps_per_second', 'train_loss', 'eval_runtime', 'eval_samples_per_second', 'eval_steps_per_second']);

export function parseTrainerState(text: string, fileName = 'trainer_state.json', bytes = text.length): ExternalRun {
  checkExternalSize(bytes);
  const json = parseJson(text, 'trainer_state.json');
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { log_history?: unknown }).log_history)) throw new Error('Not a TRL trainer_state.json: it has no "log_history" list.');
  const history = (json as { log_history: unknown[] }).log_history;
  const rows: RawRow[] = [];
  history.forEach((entry, i) => {
    const where = `log_history[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`Not a TRL trainer_state.json: ${where} is ${shown(entry)}, not an object.`);
    const e = entry as Record<string, unknown>;
    const step = stepOf(e.step, where);
    const values = new Map<string, number>();
    for (const [k, v] of Object.entries(e)) {
      if (TRL_SKIP.has(k)) continue;
      const x = toNumber(v, k, `at step ${step}`);
      if (x !== undefined) values.set(k, x);
    }
    if (values.size > 0) rows.push({ step, values });
  });
  const notes = ['TRL counts optimizer steps; with steps_per_generation > 1 several steps share one generation batch.'];
  return build(runName(fileName, 'TRL'), 'trl', rows, byName(TRL_MAP), notes);
}

// ---------------------------------------------------------------------------------------
// veRL / EasyR1 JSONL

export function parseVerlJsonl(text: string, fileName = 'experiment_log.jsonl', bytes = text.length): ExternalRun {
  checkExternalSize(bytes);
  const lines = text.split('\n');
  const last = lines.map((l) => l.trim()).reduce((acc, l, i) => (l ? i : acc), -1);
  const rows: RawRow[] = [];
  let wallS = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      if (i === last) throw new Error(`Truncated file: line ${i + 1}, the last, stops before its JSON ends.`);
      throw new Error(`Not JSON: line ${i + 1} of the metrics JSONL does not parse.`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error(`Not a metrics JSONL: line ${i + 1} is ${shown(obj)}, not an object.`);
    const o = obj as Record<string, unknown>;
    // veRL's file tracker nests the metrics under "data"; EasyR1's FileLogger puts them beside "step".
    const body = typeof o.data === 'object' && o.data !== null && !Array.isArray(o.data) ? (o.data as Record<string, unknown>) : o;
    const step = stepOf(o.step ?? body.step, `line ${i + 1}`);
    const values = new Map<string, number>();
    for (const [k, v] of flatten(body, '', [])) {
      if (k === 'step') continue;
      const x = toNumber(v, k, `on line ${i + 1}`);
      if (x !== undefined) values.set(k, x);
    }
    const t = values.get('timing_s/step');
    if (t !== undefined) wallS += t;
    rows.push({ step, values, ...(t !== undefined ? { wallMs: wallS * 1000 } : {}) });
  });
  return build(runName(fileName, 'veRL'), 'verl', rows, byName(VERL_MAP), ['Wall time is the sum of timing_s/step, when logged.']);
}

// ---------------------------------------------------------------------------------------
// W&B CSV

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Throws on an unclosed quote at the end (a cut-off file). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new Error('Truncated file: the CSV ends inside a quoted field.');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

const STEP_COLUMNS = ['Step', 'step', '_step', 'train/global_step', 'trainer/global_step'];

export function parseWandbCsv(text: string, fileName = 'wandb_export.csv', bytes = text.length): ExternalRun {
  checkExternalSize(bytes);
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) throw new Error('No metrics: the CSV is empty.');
  const header = rows[0]!;
  const stepCol = header.findIndex((h) => STEP_COLUMNS.includes(h.trim()));
  if (stepCol < 0) throw new Error(`Not a W&B CSV export: no "Step" column among ${shown(header.slice(0, 4))}.`);
  const runtimeCol = header.findIndex((h) => h.trim() === '_runtime');
  const notes: string[] = [];
  // "<run> - train/reward" (panel export) -> "train/reward"; min/max envelopes are dropped.
  const names = header.map((h) => h.trim().replace(/^.+? - /, ''));
  const dropped = names.filter((n) => /__(MIN|MAX)$/.test(n));
  if (dropped.length) notes.push(`Dropped ${dropped.length} __MIN/__MAX envelope column(s).`);
  const keep = names.map((n, i) => i !== stepCol && i !== runtimeCol && !/__(MIN|MAX)$/.test(n) && !n.startsWith('_') && !STEP_COLUMNS.includes(n) && n !== '');
  const out: RawRow[] = [];
  rows.slice(1).forEach((cells, r) => {
    const line = r + 2;
    if (cells.length !== header.length) {
      if (r === rows.length - 2 && cells.length < header.length) throw new Error(`Truncated file: the last row (line ${line}) has ${cells.length} of ${header.length} columns.`);
      throw new Error(`Not a W&B CSV export: line ${line} has ${cells.length} columns, the header ${header.length}.`);
    }
    const stepText = cells[stepCol]!.trim();
    if (stepText === '') throw new Error(`Missing step: line ${line} has an empty "${header[stepCol]}".`);
    const step = stepOf(Number.isFinite(Number(stepText)) ? Number(stepText) : stepText, `line ${line}`);
    const values = new Map<string, number>();
    cells.forEach((c, i) => {
      if (!keep[i]) return;
      const x = toNumber(c, names[i]!, `on line ${line}`);
      if (x !== undefined) values.set(names[i]!, x);
    });
    const rt = runtimeCol >= 0 ? toNumber(cells[runtimeCol], '_runtime', `on line ${line}`) : undefined;
    out.push({ step, values, ...(rt !== undefined ? { wallMs: rt * 1000 } : {}) });
  });
  const trl = byName(TRL_MAP);
  const verl = byName(VERL_MAP);
  const resolve = (key: string): KeyMap | undefined => {
    if (key.startsWith('train/')) return trl(key.slice(6)) ?? verl(key);
    if (key.startsWith('eval/')) return trl(`eval_${key.slice(5)}`);
    return verl(key) ?? trl(key);
  };
  return build(runName(fileName, 'W&B'), 'wandb', out, resolve, notes);
}

// ---------------------------------------------------------------------------------------
// Which format a file is

/** The format of a file the import button got, or null for anything else (the playground's own run files included). */
export function detectExternalFormat(text: string, fileName = ''): ExternalFormat | null {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '').trimStart();
  const name = fileName.toLowerCase();
  if (head.startsWith('{')) {
    if (/"format"\s*:\s*"rft-playground\/run"/.test(head)) return null;
    if (/"log_history"/.test(text.slice(0, 1 << 20)) || name.endsWith('trainer_state.json')) return 'trl';
    const first = head.split('\n', 1)[0]!;
    if (name.endsWith('.jsonl') || /"step"\s*:/.test(first)) return 'verl';
    return null;
  }
  if (name.endsWith('.csv') || /^[^\n]*\b(Step|_step)\b[^\n]*,/.test(head) || /^[^\n]*,[^\n]*\b(Step|_step)\b/.test(head)) return 'wandb';
  return null;
}

/** Parse a file of a known format. */
export function parseExternalRun(text: string, fileName: string, format: ExternalFormat, bytes = text.length): ExternalRun {
  if (format === 'trl') return parseTrainerState(text, fileName, bytes);
  if (format === 'verl') return parseVerlJsonl(text, fileName, bytes);
  return parseWandbCsv(text, fileName, bytes);
}

function runName(fileName: string, label: string): string {
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.(json|jsonl|csv)$/i, '');
  return `${label}: ${stem || 'run'}`.slice(0, 200);
}
