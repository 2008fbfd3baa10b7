import { describe, expect, it } from 'vitest';
import { findProblems, incompleteLabel, missingRanges, type StoredRunFacts } from './integrity';

const whole: StoredRunFacts = { storedStatus: 'done', iteration: 5, totalIterations: 5, checkpointIteration: 5, metricIterations: [1, 2, 3, 4, 5], hasCheckpoint: true };
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('stored run integrity', () => {
  it('a whole run has no problems and no badge', () => {
    expect(findProblems(whole)).toEqual([]);
    expect(incompleteLabel(findProblems(whole))).toBeNull();
    // Interrupted part-way, with its checkpoint behind its metrics: resumable, nothing missing.
    expect(findProblems({ ...whole, storedStatus: 'running', iteration: 3, checkpointIteration: 2, metricIterations: [1, 2, 3] })).toEqual([]);
  });

  it('a record ahead of its metrics says where the metrics end', () => {
    const p = findProblems({ ...whole, metricIterations: [1, 2, 3] });
    expect(incompleteLabel(p)).toBe('incomplete: metrics end at iteration 3 of 5');
  });

  it('a run whose first write never landed, and a creation cut short', () => {
    expect(findProblems({ ...whole, storedStatus: 'stopped', metricIterations: [] })).toEqual(['metrics end at iteration 0 of 5']);
    const created = findProblems({ storedStatus: 'loading', iteration: 0, totalIterations: 50, metricIterations: [], hasCheckpoint: false });
    expect(created).toEqual(['the page closed while it was being created, before any iteration was saved']);
    // A run made and never started (status ready) is whole: there was nothing to save yet.
    expect(findProblems({ storedStatus: 'ready', iteration: 0, totalIterations: 50, metricIterations: [], hasCheckpoint: false })).toEqual([]);
  });

  it('metrics past the record, gaps, and a done run that stops short', () => {
    expect(findProblems({ ...whole, storedStatus: 'stopped', iteration: 3 })[0]).toBe('the run record stops at iteration 3 but its metrics go on to 5');
    expect(findProblems({ ...whole, metricIterations: [1, 2, 5] })).toEqual(['no metrics for iterations 3-4']);
    expect(findProblems({ ...whole, metricIterations: [1, 3, 4, 5] })).toEqual(['no metrics for iteration 2']);
    expect(findProblems({ ...whole, storedStatus: 'done', iteration: 4, checkpointIteration: 4, metricIterations: [1, 2, 3, 4] })).toEqual(['marked done, but metrics end at iteration 4 of 5']);
  });

  it('gaps at or before compactedThrough are compaction, not loss', () => {
    const thinned = [1, 2, 4, 6, 8, 10, ...range(11, 20)];
    expect(findProblems({ ...whole, iteration: 20, totalIterations: 20, checkpointIteration: 20, compactedThrough: 10, metricIterations: thinned })).toEqual([]);
    expect(findProblems({ ...whole, iteration: 20, totalIterations: 20, checkpointIteration: 20, compactedThrough: 8, metricIterations: thinned })).toEqual(['no metrics for iteration 9']);
  });

  it('a missing checkpoint, and one ahead of the metrics', () => {
    expect(findProblems({ ...whole, hasCheckpoint: false })).toEqual(['its checkpoint (iteration 5) is missing, so Resume would start over']);
    expect(findProblems({ ...whole, storedStatus: 'running', iteration: 3, checkpointIteration: 5, metricIterations: [1, 2, 3] })).toEqual(['its checkpoint is at iteration 5 but metrics end at 3']);
  });

  it('missingRanges names runs of missing iterations, and at most three of many gaps are listed', () => {
    expect(missingRanges([1, 2, 5, 7, 10], 0)).toEqual(['3-4', '6', '8-9']);
    expect(missingRanges([3, 4], 0)).toEqual(['1-2']);
    expect(missingRanges([3, 4], 2)).toEqual([]);
    const p = findProblems({ ...whole, iteration: 9, totalIterations: 9, checkpointIteration: 9, metricIterations: [1, 3, 5, 7, 9] });
    expect(p).toEqual(['no metrics for iterations 2, 4, 6 and 1 more gaps']);
  });
});
