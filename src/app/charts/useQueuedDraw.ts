import { useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { queueRender, cancelRender } from './renderQueue';

/**
 * One turn of drawing toward `target`, from what is drawn now (null: nothing yet): what to
 * draw in this turn, and whether that reaches the target or more turns are needed.
 */
export type Advance<T, S> = (drawn: S | null, target: T) => { next: S; done: boolean };

/**
 * What a component draws, following `target` through the render queue (renderQueue.ts): each
 * change is drawn in a task of its own, in as many turns as `advance` splits it into. `null`
 * until the first turn. `advance` should be a stable (module-level) function.
 */
export function useQueuedDraw<T, S>(target: T, advance: Advance<T, S>): S | null {
  const [key] = useState(() => ({}));
  const [drawn, setDrawn] = useState<S | null>(null);
  const latest = useRef({ target, advance, drawn });
  /** The target the last turn reached in full. */
  const reached = useRef<{ target: T } | null>(null);

  // A layout effect, so the turn is queued before a parent's layout effect asks whenRendersDone.
  useLayoutEffect(() => {
    latest.current = { target, advance, drawn };
    if (reached.current?.target === target) return;
    queueRender(key, () => {
      const { target: t, advance: step, drawn: now } = latest.current;
      const { next, done } = step(now, t);
      reached.current = done ? { target: t } : null;
      // flushSync: the whole redraw (render, commit, recharts' own effects and the updates they
      // dispatch) happens inside this task, not in a later one where it might meet the next chart's.
      flushSync(() => setDrawn(() => next));
    });
  }, [key, target, advance, drawn]);

  useLayoutEffect(() => () => cancelRender(key), [key]);

  return drawn;
}
