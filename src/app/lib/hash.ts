import type { z } from 'zod';
import { RunConfigSchema, type RunConfig } from '../../engine/config';
import { issueMessage, issuePath, issueSentence } from '../../engine/issues';
import { setPath } from '../../engine/paths';
import { FIELD_BY_PATH, FIELDS, coerce, fieldSchema, valueAt, withValue, type FieldSpec } from './fields';
import { DEFAULT_PRESET, hasPreset, presetConfig } from './presets';

/**
 * The whole experiment lives in the URL hash, TensorFlow-Playground style:
 *   #preset=grpo&seed=7&sampling.groupSize=4&run.init=scratch
 * Only what differs from the preset is written. Reading is forgiving and goes part by part:
 * each part is checked alone (type, bounds, options), then the rules between fields drop only
 * the part a failing rule names; each bad part gets one notice and every good part is kept.
 * A key may repeat: the last good value counts (a lesson's settings, then a link's overrides).
 */

export interface HashState {
  preset: string;
  config: RunConfig;
  notices: string[];
  /**
   * False when the link had something wrong and nothing in it applies (too long, or no valid
   * preset and no setting kept): a page already open keeps its config rather than resetting.
   */
  usable: boolean;
}

const SHORTHAND: Record<string, string> = { seed: 'run.seed', task: 'task.task', iterations: 'run.iterations' };

function same(a: unknown, b: unknown): boolean {
  // Exact: String(n) reads back to n, so any difference is worth writing (a tolerance lost tiny values).
  return a === b;
}

export function encodeHash(preset: string, config: RunConfig): string {
  const base = presetConfig(preset);
  const params = new URLSearchParams();
  params.set('preset', preset);
  params.set('seed', String(config.run.seed));
  for (const f of FIELDS) {
    if (f.kind === 'fixed' || f.path === 'run.seed') continue;
    const v = valueAt(config, f.path);
    if (!same(v, valueAt(base, f.path))) params.set(f.path, String(v));
  }
  return `#${params.toString()}`;
}

/** Longer than any hash encodeHash writes (every field changed is ~2,500 characters). */
export const MAX_HASH_LENGTH = 8192;
/** Notices one grouped link notice spells out; the rest are counted. */
export const MAX_HASH_NOTICES = 20;

/** A key or value from the link, cut short for a notice. */
const shown = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

export function decodeHash(hash: string): HashState {
  if (hash.length > MAX_HASH_LENGTH) {
    const preset = DEFAULT_PRESET;
    return { preset, config: { ...presetConfig(preset), preset }, notices: [`Ignored the link: it is too long (${hash.length} characters, at most ${MAX_HASH_LENGTH}).`], usable: false };
  }
  return decodeParams(new URLSearchParams(hash.replace(/^#/, '')));
}

/**
 * Every notice of one link as one notice, so none is pushed out of the page's notice list by
 * the others: "URL: 3 parts of the link were ignored: ...". Null when there is nothing to say.
 */
export function linkNotice(notices: readonly string[]): string | null {
  if (notices.length === 0) return null;
  if (notices.length === 1) return `URL: ${notices[0]}`;
  const listed = notices.slice(0, MAX_HASH_NOTICES);
  const more = notices.length - listed.length;
  return `URL: ${notices.length} parts of the link were ignored: ${listed.join(' ')}${more > 0 ? ` …and ${more} more.` : ''}`;
}

/** One setting of the link, its value as the schema's type. */
interface Part {
  rawKey: string;
  raw: string;
  value: unknown;
}
/** path -> the link's good values for it, in link order: the last one counts, the ones before it are what a dropped one falls back to (a lesson's own value under a shared link's override). */
type Parts = Map<string, Part[]>;

/** The value a path has once its newest part is dropped: the part before it, else the preset's. */
function keptValue(parts: Parts, base: RunConfig, path: string): string {
  const below = parts.get(path)?.at(-1);
  return String(below ? below.value : valueAt(base, path));
}

function ignored(part: { rawKey: string; raw: string }, why: string, kept: string): string {
  // The reason is ours, but a coerce error quotes the raw value: cut it to a readable length.
  const reason = why.length > 200 ? `${why.slice(0, 200)}…` : why;
  return `Ignored ${shown(part.rawKey)}="${shown(part.raw)}": ${reason} Kept ${kept}.`;
}

/** A part checked alone: its type, bounds and options (rules between fields come later). */
function checkAlone(spec: FieldSpec, raw: string): { value: unknown } | { error: string } {
  const c = coerce(spec, raw);
  if ('error' in c) return c;
  const parsed = fieldSchema(spec.path)?.safeParse(c.value);
  if (parsed && !parsed.success) return { error: issueMessage(parsed.error.issues[0]!) };
  return { value: parsed ? parsed.data : c.value };
}

function decodeParams(params: URLSearchParams): HashState {
  const notices: string[] = [];
  let preset = params.get('preset') ?? DEFAULT_PRESET;
  const presetNamed = params.has('preset') && hasPreset(preset);
  if (!hasPreset(preset)) {
    notices.push(`Unknown preset "${shown(preset)}": using ${DEFAULT_PRESET}.`);
    preset = DEFAULT_PRESET;
  }
  const base = presetConfig(preset);
  // Part by part: each one alone, so one bad part costs only itself.
  const parts: Parts = new Map();
  for (const [rawKey, raw] of params) {
    if (rawKey === 'preset') continue;
    // Own keys only: SHORTHAND['constructor'] would be Object's constructor.
    const path = Object.hasOwn(SHORTHAND, rawKey) ? SHORTHAND[rawKey]! : rawKey;
    const spec = FIELD_BY_PATH.get(path);
    if (!spec || spec.kind === 'fixed') {
      notices.push(`Ignored unknown setting "${shown(rawKey)}".`);
      continue;
    }
    const alone = checkAlone(spec, raw);
    if ('error' in alone) notices.push(ignored({ rawKey, raw }, alone.error, keptValue(parts, base, path)));
    else parts.set(path, [...(parts.get(path) ?? []), { rawKey, raw, value: alone.value }]);
  }
  const config = applyRules(base, parts, notices);
  const applied = [...parts].some(([path, ps]) => ps.length > 0 && valueAt(config, path) === ps.at(-1)!.value);
  return { preset, config: { ...config, preset }, notices, usable: notices.length === 0 || presetNamed || applied };
}

/** The preset with each path's newest part set. */
function withParts(base: RunConfig, parts: Parts, skip?: string): Record<string, unknown> {
  const candidate = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, ps] of parts) {
    const top = path === skip ? ps.at(-2) : ps.at(-1);
    if (top) setPath(candidate, path, top.value);
  }
  return candidate;
}

/**
 * Then the rules between fields: while one fails, drop only the part it names (its notice
 * quotes that rule); a rule that names a field the link did not set (task.imageSize=48 breaks
 * model.imageSize) drops the part whose absence clears it, the latest first.
 */
function applyRules(base: RunConfig, parts: Parts, notices: string[]): RunConfig {
  for (;;) {
    const parsed = RunConfigSchema.safeParse(withParts(base, parts));
    if (parsed.success) return parsed.data;
    const { path, issue } = blamedPart(base, parts, parsed.error.issues);
    const part = parts.get(path)!.pop()!;
    // The rule's own field needs no naming twice; another field it names does.
    notices.push(ignored(part, issuePath(issue) === path ? issueMessage(issue) : issueSentence(issue), keptValue(parts, base, path)));
  }
}

type Issue = z.core.$ZodIssue;
const issueKey = (i: Issue): string => `${issuePath(i)}|${i.message}`;

function blamedPart(base: RunConfig, parts: Parts, issues: readonly Issue[]): { path: string; issue: Issue } {
  for (const issue of issues) {
    const path = issuePath(issue);
    if (parts.get(path)?.length) return { path, issue };
  }
  const issue = issues[0]!;
  const live = [...parts].filter(([, ps]) => ps.length > 0).map(([path]) => path);
  for (const path of [...live].reverse()) {
    const without = RunConfigSchema.safeParse(withParts(base, parts, path));
    if (without.success || !without.error.issues.some((i) => issueKey(i) === issueKey(issue))) return { path, issue };
  }
  // Only parts together break it: the latest goes, and the loop looks again. (The preset alone is valid, so this ends.)
  return { path: live.at(-1)!, issue };
}

/** Convenience for tests and links: a hash from a preset plus a few dotted overrides. */
export function hashFor(preset: string, overrides: Record<string, string | number | boolean>): string {
  let config = presetConfig(preset);
  for (const [path, value] of Object.entries(overrides)) config = withValue(config, SHORTHAND[path] ?? path, value);
  return encodeHash(preset, config);
}
