/**
 * Dotted paths into plain JSON objects ("objective.epsHigh"): the one helper the presets, the
 * config panel, the URL hash and the CLI's --set share. Pure and tfjs-free, so the page uses it.
 *
 * Paths come from outside (a link's hash, a --set flag), so writes refuse the keys that reach
 * an object's prototype instead of one of its own fields: `a.__proto__.x = 1` would otherwise
 * change every object in the page.
 */

export type Json = Record<string, unknown>;

export const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Keys that name an object's prototype machinery, never a field of a config. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function keysOf(path: string): string[] {
  const keys = path.split('.');
  for (const k of keys) {
    if (k === '') throw new Error(`Invalid path "${path}": empty key.`);
    if (FORBIDDEN_KEYS.has(k)) throw new Error(`Invalid path "${path}": "${k}" is not a field (it would reach the object's prototype).`);
  }
  return keys;
}

/** obj.a.b... reading own fields only (undefined where the path leaves the object). */
export function getPath(obj: unknown, path: string): unknown {
  let o: unknown = obj;
  for (const k of path.split('.')) {
    if (!isObject(o) || !Object.hasOwn(o, k)) return undefined;
    o = o[k];
  }
  return o;
}

/** Whether every key of the path is an own field on the way (the leaf may hold anything, undefined included). */
export function hasPath(obj: unknown, path: string): boolean {
  let o: unknown = obj;
  for (const k of path.split('.')) {
    if (!isObject(o) || !Object.hasOwn(o, k)) return false;
    o = o[k];
  }
  return true;
}

/**
 * Set obj.a.b... = value, creating plain objects on the way. Mutates obj. Throws on an empty key
 * or on `__proto__`, `constructor` and `prototype`, which are not fields of any config.
 */
export function setPath(obj: Json, path: string, value: unknown): void {
  const keys = keysOf(path);
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(o, k) ? o[k] : undefined;
    if (!isObject(next)) o[k] = {};
    o = o[k] as Json;
  }
  o[keys[keys.length - 1]!] = value;
}

/**
 * Where a JSON value (arrays included, any depth) has a key that names prototype machinery
 * ("run.__proto__", "metrics.0.values.constructor"), or null. JSON.parse makes `"__proto__"` an
 * own key, and zod objects drop unknown keys silently, so a file's parser asks this first.
 * Iterative: a deeply nested file cannot overflow the stack.
 */
export function forbiddenKeyPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, child] of Object.entries(v)) {
      const here = at ? `${at}.${k}` : k;
      if (FORBIDDEN_KEYS.has(k)) return here;
      stack.push([child, here]);
    }
  }
  return null;
}

/** Every leaf of a nested object as [dotted path, value], depth first in key order (arrays are leaves). */
export function leaves(obj: Json, prefix = ''): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) => (isObject(v) ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]));
}
