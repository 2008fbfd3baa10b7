/**
 * The committed lesson measurements against the lessons and the README: every declared promise
 * was measured on 3 seeds and held on each, and the README's table is the one those numbers give
 * (`npm run lessons` prints it). Fails when a promise changes without a new
 * `npm run lessons -- --check --write`, or the README is not updated after one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// Lessons' promises are app data that Node reads (plain data: no React, DOM or worker).
// eslint-disable-next-line no-restricted-imports
import { LESSONS } from '../src/app/lessons';
// eslint-disable-next-line no-restricted-imports
import { promiseTable } from '../src/app/lessons/promises';
// eslint-disable-next-line no-restricted-imports
import { REFERENCE } from '../src/app/lessons/reference';

describe('lesson promises, as measured', () => {
  for (const lesson of LESSONS.filter((l) => l.promise)) {
    it(`${lesson.id}: measured on 3 seeds for its current arms and claims, and held on each`, () => {
      const ref = REFERENCE.lessons[lesson.id];
      expect(ref, `${lesson.id} has no committed measurement: run npm run lessons -- --check --write --lesson ${lesson.id}`).toBeDefined();
      expect(ref!.seeds).toHaveLength(3);
      expect(Object.keys(ref!.arms).sort()).toEqual(lesson.promise!.arms.map((a) => a.id).sort());
      for (const arm of lesson.promise!.arms) expect(ref!.arms[arm.id]!.label).toBe(arm.label);
      expect(Object.keys(ref!.claims).sort()).toEqual(lesson.promise!.claims.map((c) => c.id).sort());
      for (const claim of lesson.promise!.claims) expect(ref!.claims[claim.id]!.heldPerSeed, `${lesson.id}/${claim.id}`).toEqual([true, true, true]);
    });
  }

  it("the README holds the table of the committed measurements", () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(promiseTable(LESSONS, REFERENCE));
  });
});
