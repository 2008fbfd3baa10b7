import { z } from 'zod';
import { ALGORITHM_SPECS, ignoresKnob, isAlgorithmId, type AlgorithmId } from '../../engine/algorithms/spec';
import { DEFAULT_RUN_CONFIG, RunConfigSchema, type RunConfig } from '../../engine/config';
import { issueMessage, parseOrExplain } from '../../engine/issues';
import { getPath, setPath } from '../../engine/paths';
import { TASKS, isTaskId } from '../../engine/tasks';

/**
 * The config panel is generated from the engine's zod schema: every leaf of RunConfigSchema
 * becomes a FieldSpec (its kind, bounds, options, default and `.describe()` help text), and
 * a draft of raw input strings is parsed back through the same schema.
 */

export type FieldKind = 'int' | 'number' | 'enum' | 'boolean' | 'string' | 'fixed';

export interface FieldSpec {
  /** Dotted path into RunConfig, e.g. 'sampling.groupSize'. */
  path: string;
  /** The last key of the path. */
  key: string;
  group: GroupId;
  kind: FieldKind;
  help: string;
  options?: readonly string[];
  min?: number;
  max?: number;
  /** The minimum is exclusive (z.number().positive()). */
  minExclusive?: boolean;
  defaultValue: unknown;
}

export const GROUPS = [
  { id: 'task', title: 'Task' },
  { id: 'model', title: 'Model' },
  { id: 'sampling', title: 'Sampling' },
  { id: 'optim', title: 'Optimisation' },
  { id: 'objective', title: 'Objective' },
  { id: 'rewards', title: 'Rewards' },
  { id: 'tricks', title: 'Tricks' },
  { id: 'run', title: 'Run' },
] as const;
export type GroupId = (typeof GROUPS)[number]['id'];

/** Fields the schema leaves without help text get one here (and the engine should gain it). */
const FALLBACK_HELP: Record<string, string> = {
  name: 'Run name (shown in the runs list).',
  'tricks.filterLow': 'Online filter: drop groups whose mean accuracy is at or below this.',
  'tricks.filterHigh': 'Online filter: drop groups whose mean accuracy is at or above this.',
};

/** Top-level keys that are not groups, and the group whose panel shows them. */
const LOOSE_FIELDS: Record<string, GroupId> = { name: 'run' };

function unwrap(schema: z.ZodType): { inner: z.ZodType; description: string | undefined } {
  let s: z.ZodType = schema;
  let description = s.description;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodPrefault) {
      s = s.unwrap() as z.ZodType;
      description ??= s.description;
    } else return { inner: s, description };
  }
}

function leaves(schema: z.ZodType, prefix: string, group: GroupId, out: FieldSpec[]): void {
  const { inner, description } = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    for (const [key, child] of Object.entries<z.ZodType>(inner.shape)) {
      leaves(child, prefix ? `${prefix}.${key}` : key, group, out);
    }
    return;
  }
  const key = prefix.split('.').at(-1) ?? prefix;
  const base = {
    path: prefix,
    key,
    group,
    help: description ?? FALLBACK_HELP[prefix] ?? '',
    defaultValue: getPath(DEFAULT_RUN_CONFIG, prefix),
  };
  if (inner instanceof z.ZodNumber) {
    const min = inner.minValue ?? undefined;
    const max = inner.maxValue ?? undefined;
    const minExclusive = min !== undefined && inner.safeParse(min).success === false;
    out.push({
      ...base,
      kind: inner.isInt ? 'int' : 'number',
      ...(min !== undefined && Number.isFinite(min) ? { min } : {}),
      ...(max !== undefined && Number.isFinite(max) ? { max } : {}),
      ...(minExclusive ? { minExclusive } : {}),
    });
  } else if (inner instanceof z.ZodEnum) {
    out.push({ ...base, kind: 'enum', options: inner.options.map(String) });
  } else if (inner instanceof z.ZodBoolean) {
    out.push({ ...base, kind: 'boolean' });
  } else if (inner instanceof z.ZodString) {
    out.push({ ...base, kind: 'string' });
  } else {
    out.push({ ...base, kind: 'fixed' }); // literals (vocabSize): shown, not editable
  }
}

function buildFields(): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [key, schema] of Object.entries(RunConfigSchema.shape as Record<string, z.ZodType>)) {
    if (key === 'preset') continue; // the preset selector owns it
    const group = LOOSE_FIELDS[key] ?? (key as GroupId);
    if (!GROUPS.some((g) => g.id === group)) continue;
    leaves(schema, key, group, out);
  }
  return out;
}

export const FIELDS: readonly FieldSpec[] = buildFields();

/** A field's own schema (bounds, type, options; no rule that ties it to another field), or undefined for a path that is not a field. */
export function fieldSchema(path: string): z.ZodType | undefined {
  let s: z.ZodType = RunConfigSchema;
  for (const key of path.split('.')) {
    const { inner } = unwrap(s);
    if (!(inner instanceof z.ZodObject) || !Object.hasOwn(inner.shape, key)) return undefined;
    s = (inner.shape as Record<string, z.ZodType>)[key]!;
  }
  return unwrap(s).inner;
}
export const FIELD_BY_PATH: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.path, f]));

// ---------------------------------------------------------------------------------------
// Drafts: what the inputs hold (strings for numbers, so "0.0" and "abc" can be typed and judged)

export type DraftValue = string | boolean;
export type Draft = Record<string, DraftValue>;

export function toDraftValue(spec: FieldSpec, value: unknown): DraftValue {
  if (spec.kind === 'boolean') return Boolean(value);
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return '';
}

export function configToDraft(config: RunConfig): Draft {
  const d: Draft = {};
  for (const f of FIELDS) d[f.path] = toDraftValue(f, getPath(config, f.path));
  return d;
}

/** A raw input value as the schema's type, or an error message. */
export function coerce(spec: FieldSpec, raw: DraftValue): { value: unknown } | { error: string } {
  switch (spec.kind) {
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === '1') return { value: true };
      if (raw === 'false' || raw === '0') return { value: false };
      return { error: 'Expected true or false.' };
    case 'int':
    case 'number': {
      const s = String(raw).trim();
      if (s === '') return { error: 'Enter a number.' };
      const n = Number(s);
      if (!Number.isFinite(n)) return { error: `"${s}" is not a number.` };
      return { value: n };
    }
    case 'fixed':
      return { value: spec.defaultValue };
    default:
      return { value: String(raw) };
  }
}

export interface DraftParse {
  config: RunConfig | null;
  /** path -> message, for the field to show. */
  errors: Record<string, string>;
}

/** Parse a draft through RunConfigSchema; every problem lands on the field it belongs to. */
export function parseDraft(draft: Draft, preset: string): DraftParse {
  const candidate: Record<string, unknown> = { preset };
  const errors: Record<string, string> = {};
  for (const f of FIELDS) {
    const raw = draft[f.path];
    if (raw === undefined) continue;
    const c = coerce(f, raw);
    if ('error' in c) errors[f.path] = c.error;
    else setPath(candidate, f.path, c.value);
  }
  const parsed = RunConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const target = FIELD_BY_PATH.has(path) ? path : (FIELDS.find((f) => f.path.startsWith(`${path}.`))?.path ?? path);
      errors[target] ??= issueMessage(issue);
    }
  }
  return { config: Object.keys(errors).length === 0 && parsed.success ? parsed.data : null, errors };
}


export function valueAt(config: RunConfig, path: string): unknown {
  return getPath(config, path);
}

export function withValue(config: RunConfig, path: string, value: unknown): RunConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  setPath(copy, path, value);
  return parseOrExplain(RunConfigSchema, copy, 'Invalid config');
}

// ---------------------------------------------------------------------------------------
// Knobs the chosen algorithm never reads (engine/algorithms/spec.ts): marked, not hidden, so a
// learner sees that gamma does nothing under GRPO, and still editable, so a value survives a
// switch to PPO and back.

/** The algorithm the draft has chosen; null while its select holds no known algorithm. */
export function draftAlgorithm(draft: Draft): AlgorithmId | null {
  const v = draft['objective.algorithm'];
  return typeof v === 'string' && isAlgorithmId(v) ? v : null;
}

export interface Ignored {
  /** The short mark beside the knob's name: "ignored by GRPO". */
  mark: string;
  /** The sentence before its help text, for everyone (screen readers read it with the help). */
  why: string;
}

/** How to mark a knob the algorithm ignores, or null where it reads it (or no algorithm is chosen). */
export function ignoredKnob(algorithm: AlgorithmId | null, path: string): Ignored | null {
  if (!algorithm || !ignoresKnob(algorithm, path)) return null;
  const { title } = ALGORITHM_SPECS[algorithm];
  return { mark: `ignored by ${title}`, why: `${title} does not read this knob: changing it changes nothing in this run.` };
}

/** Bounds as a short hint: "1–64, whole". */
export function boundsHint(spec: FieldSpec): string {
  if (spec.kind !== 'int' && spec.kind !== 'number') return '';
  const lo = spec.min !== undefined ? `${spec.minExclusive ? '>' : ''}${spec.min}` : '';
  const hi = spec.max !== undefined ? String(spec.max) : '';
  const range = lo && hi ? `${lo} – ${hi}` : lo ? `≥ ${lo}` : hi ? `≤ ${hi}` : '';
  return [range, spec.kind === 'int' ? 'whole' : ''].filter(Boolean).join(', ');
}

/**
 * Help that depends on the knob's value: for the task picker, the chosen task's line and what its
 * visual-shift split changes (and why a model that reads the picture should still answer).
 */
export function valueHelp(path: string, value: unknown): string | null {
  if (path !== 'task.task' || typeof value !== 'string' || !isTaskId(value)) return null;
  const task = TASKS[value];
  return `${task.title}: ${task.description} ${task.shift}`;
}
