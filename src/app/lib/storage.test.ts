import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../engine/config';
import type { StoredRun } from '../../worker/client';
import { deletableRuns, nearlyFullText, storageFullText } from './storage';

const MB = 1024 * 1024;
const mk = (id: string, status: StoredRun['status']): StoredRun => ({ id, name: id, config: DEFAULT_RUN_CONFIG, status, color: '#000000', visible: true, createdAt: 0, iteration: 1, wallMs: 1 });

describe('storage messages', () => {
  it('says what was not saved, and the usage when the browser reports it', () => {
    expect(storageFullText('the metrics of iterations 4-6', null)).toBe('Storage is full: the metrics of iterations 4-6 could not be saved.');
    expect(storageFullText('x', { usage: 49.5 * MB, quota: 50 * MB })).toBe('Storage is full: x could not be saved. This site uses 49.5 MB of the 50.0 MB the browser allows it.');
  });

  it('warns at 90% of the quota, not before', () => {
    expect(nearlyFullText(null)).toBeNull();
    expect(nearlyFullText({ usage: 89 * MB, quota: 100 * MB })).toBeNull();
    expect(nearlyFullText({ usage: 95 * MB, quota: 100 * MB })).toMatch(/^Storage is 95% full \(95\.0 MB of 100\.0 MB\)/);
  });

  it('offers finished runs of this tab, oldest first, never live or foreign ones', () => {
    const runs = { a: mk('a', 'done'), b: mk('b', 'running'), c: mk('c', 'stopped'), d: mk('d', 'interrupted'), e: mk('e', 'error') };
    expect(deletableRuns(['a', 'b', 'c', 'd', 'e'], runs, { c: true }).map((r) => r.id)).toEqual(['a', 'd', 'e']);
    expect(deletableRuns(['a', 'b', 'c', 'd', 'e'], runs, {}, 2).map((r) => r.id)).toEqual(['a', 'c']);
  });
});
