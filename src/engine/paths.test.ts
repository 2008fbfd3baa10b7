import { describe, expect, it } from 'vitest';
import { getPath, hasPath, leaves, setPath, type Json } from './paths';

describe('dotted paths', () => {
  it('reads own fields, and undefined off the object', () => {
    const o = { a: { b: { c: 3 } }, n: null, arr: [1, 2] };
    expect(getPath(o, 'a.b.c')).toBe(3);
    expect(getPath(o, 'a.b')).toEqual({ c: 3 });
    expect(getPath(o, 'a.x.c')).toBeUndefined();
    expect(getPath(o, 'n.x')).toBeUndefined();
    expect(getPath(o, 'arr.0')).toBeUndefined(); // arrays are leaves, not objects to walk
    // Inherited members are not fields.
    expect(getPath(o, 'a.toString')).toBeUndefined();
    expect(getPath(o, '__proto__')).toBeUndefined();
    expect(getPath(o, 'constructor')).toBeUndefined();
  });

  it('hasPath: own fields only', () => {
    const o = { a: { b: undefined, c: 0 } };
    expect(hasPath(o, 'a.b')).toBe(true);
    expect(hasPath(o, 'a.c')).toBe(true);
    expect(hasPath(o, 'a.d')).toBe(false);
    expect(hasPath(o, 'a.c.d')).toBe(false);
    expect(hasPath(o, 'a.hasOwnProperty')).toBe(false);
  });

  it('sets a value, creating objects on the way and replacing non-objects', () => {
    const o: Json = { a: { keep: 1 }, s: 'x' };
    setPath(o, 'a.b.c', 2);
    setPath(o, 's.t', true);
    setPath(o, 'top', 'v');
    expect(o).toEqual({ a: { keep: 1, b: { c: 2 } }, s: { t: true }, top: 'v' });
  });

  it('refuses keys that are not own fields, with a clear error, and changes nothing', () => {
    const o: Json = { a: {} };
    for (const path of ['__proto__.polluted', 'a.__proto__.polluted', 'constructor.prototype.polluted', 'a.constructor', 'prototype', 'a.prototype.x']) {
      expect(() => setPath(o, path, true), path).toThrow(/is not a field/);
    }
    expect(({} as Json).polluted).toBeUndefined();
    expect(o).toEqual({ a: {} });
    expect(() => setPath(o, 'a..b', 1)).toThrow(/empty key/);
    expect(() => setPath(o, '', 1)).toThrow(/empty key/);
  });

  it('lists leaves in order, arrays and nulls as leaves', () => {
    expect(leaves({ a: { b: 1, c: { d: [1, 2] } }, e: null, f: 'x' })).toEqual([
      ['a.b', 1],
      ['a.c.d', [1, 2]],
      ['e', null],
      ['f', 'x'],
    ]);
    expect(leaves({})).toEqual([]);
  });

  it('leaves and setPath round-trip', () => {
    const src = { x: { y: 1, z: { w: false } }, v: 'k' };
    const out: Json = {};
    for (const [p, v] of leaves(src)) setPath(out, p, v);
    expect(out).toEqual(src);
    for (const [p, v] of leaves(src)) expect(getPath(src, p)).toEqual(v);
  });
});
