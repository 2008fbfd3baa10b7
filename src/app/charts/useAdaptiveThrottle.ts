import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { renderWorkMs, whenRendersDone } from './renderQueue';

/**
 * Hold a fast-changing value (the metrics) back so that whatever draws it takes at most
 * ~1/FACTOR of the main thread: the interval adapts to what the last redraw cost. The
 * caller reports nothing; the hook times its own commit and the chart redraws that commit
 * queued (renderQueue.ts), and passes on no new value while those are still being drawn.
 */
const FLOOR_MS = 250;
const CEILING_MS = 4000;
const FACTOR = 5;

export function useAdaptiveThrottle<T>(value: T): T {
  const [shown, setShown] = useState(value);
  /** The last value whose redraws have all run. */
  const [drawn, setDrawn] = useState(value);
  const last = useRef(0);
  const cost = useRef(0);
  const renderStart = useRef<number | null>(null);
  const prevShown = useRef(shown);

  // A new value is about to be drawn: time from here to the committed effect, then the queued redraws.
  if (prevShown.current !== shown) {
    prevShown.current = shown;
    renderStart.current = performance.now();
  }
  useLayoutEffect(() => {
    if (renderStart.current === null) return;
    const commitMs = performance.now() - renderStart.current;
    renderStart.current = null;
    const workBefore = renderWorkMs();
    // The charts' layout effects have queued their redraws by now. Their work is counted, not
    // the gaps between them, where the browser paints and does everything else.
    const cancel = whenRendersDone(() => {
      const took = commitMs + renderWorkMs() - workBefore;
      cost.current = cost.current === 0 ? took : 0.7 * cost.current + 0.3 * took;
      setDrawn(() => shown);
    });
    return cancel;
  }, [shown]);

  useEffect(() => {
    if (value === shown || drawn !== shown) return;
    const interval = Math.min(CEILING_MS, Math.max(FLOOR_MS, cost.current * FACTOR));
    const wait = Math.max(0, last.current + interval - performance.now());
    const id = setTimeout(() => {
      last.current = performance.now();
      setShown(() => value);
    }, wait);
    return () => clearTimeout(id);
  }, [value, shown, drawn]);

  return shown;
}
