import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cancelRender, pendingRenders, queueRender, whenRendersDone } from './renderQueue';

describe('render queue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.runAllTimers();
    vi.useRealTimers();
  });

  it('runs one job per task, in order', () => {
    const ran: string[] = [];
    const [a, b, c] = [{}, {}, {}];
    queueRender(a, () => ran.push('a'));
    queueRender(b, () => ran.push('b'));
    queueRender(c, () => ran.push('c'));
    expect(ran).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(['a']);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(['a', 'b']);
    vi.runAllTimers();
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('a key queued again keeps its place and runs its newest job once', () => {
    const ran: string[] = [];
    const [a, b] = [{}, {}];
    queueRender(a, () => ran.push('a1'));
    queueRender(b, () => ran.push('b'));
    queueRender(a, () => ran.push('a2'));
    expect(pendingRenders()).toBe(2);
    vi.runAllTimers();
    expect(ran).toEqual(['a2', 'b']);
  });

  it('drops a cancelled job', () => {
    const ran: string[] = [];
    const a = {};
    queueRender(a, () => ran.push('a'));
    cancelRender(a);
    vi.runAllTimers();
    expect(ran).toEqual([]);
  });

  it('says when the queue is empty, counting jobs that queue more', () => {
    const ran: string[] = [];
    const [a, b] = [{}, {}];
    const done = vi.fn(() => ran.push('done'));
    queueRender(a, () => {
      ran.push('a');
      queueRender(b, () => ran.push('b'));
    });
    whenRendersDone(done);
    vi.runAllTimers();
    expect(ran).toEqual(['a', 'b', 'done']);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('says so at once (in a task) when nothing is queued, unless cancelled', () => {
    const done = vi.fn();
    const cancelled = vi.fn();
    whenRendersDone(done);
    whenRendersDone(cancelled)();
    expect(done).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(done).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
