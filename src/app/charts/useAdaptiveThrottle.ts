import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/**
 * Hold a fast-changing value (the metrics) back so that whatever draws it takes at most
 * ~1/FACTOR of the main thread: the interval adapts to what the last redraw cost. The
 * caller reports nothing; the hook times its own commits.
 */
const FLOOR_MS = 250;
const CEILING_MS = 4000;
const FACTOR = 5;

export function useAdaptiveThrottle<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  const cost = useRef(0);
  const renderStart = useRef<number | null>(null);
  const prevShown = useRef(shown);

  // A new value is about to be drawn: time from here to the committed effect.
  if (prevShown.current !== shown) {
    prevShown.current = shown;
    renderStart.current = performance.now();
  }
  useLayoutEffect(() => {
    if (renderStart.current === null) return;
    const start = renderStart.current;
    renderStart.current = null;
    // After the browser has painted: layout and paint are part of the cost.
    const id = setTimeout(() => {
      const took = performance.now() - start;
      cost.current = cost.current === 0 ? took : 0.7 * cost.current + 0.3 * took;
    }, 0);
    return () => clearTimeout(id);
  }, [shown]);

  useEffect(() => {
    if (value === shown) return;
    const interval = Math.min(CEILING_MS, Math.max(FLOOR_MS, cost.current * FACTOR));
    const wait = Math.max(0, last.current + interval - performance.now());
    const id = setTimeout(() => {
      last.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(id);
  }, [value, shown]);

  return shown;
}
