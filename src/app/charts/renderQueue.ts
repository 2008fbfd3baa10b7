/**
 * Charts redraw one at a time, each in a macrotask of its own. A recharts chart costs
 * 15-40 ms to redraw on a loaded 2-core machine; the Train view's twelve in one React commit
 * made a 150-250 ms main-thread task per metrics update (0.4-0.7 s when they first drew), so
 * frames and input waited. Queued, the browser paints and handles input between two charts.
 *
 * A job is keyed by its chart: queueing a key that is already waiting replaces its job and
 * keeps its place, so a chart never redraws twice for one pass of the queue.
 */
type Job = () => void;

const jobs = new Map<object, Job>();
const idleWaiters = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;
let workMs = 0;

function runNext(): void {
  timer = null;
  const next = jobs.entries().next();
  if (!next.done) {
    const [key, job] = next.value;
    jobs.delete(key);
    const start = performance.now();
    try {
      job();
    } finally {
      workMs += performance.now() - start;
      schedule();
    }
    return;
  }
  const waiters = [...idleWaiters];
  idleWaiters.clear();
  for (const w of waiters) w();
}

function schedule(): void {
  // setTimeout rather than a microtask: the point is to give the browser a turn between jobs.
  if (timer === null && (jobs.size > 0 || idleWaiters.size > 0)) timer = setTimeout(runNext, 0);
}

/** Run `job` in a task of its own, after the jobs queued before it (a key already waiting keeps its place). */
export function queueRender(key: object, job: Job): void {
  jobs.set(key, job);
  schedule();
}

/** Drop the job waiting under `key`, if any (its chart went away). */
export function cancelRender(key: object): void {
  jobs.delete(key);
}

/** Call `done` once every queued job (and any queued meanwhile) has run; returns a cancel. */
export function whenRendersDone(done: () => void): () => void {
  idleWaiters.add(done);
  schedule();
  return () => {
    idleWaiters.delete(done);
  };
}

export function pendingRenders(): number {
  return jobs.size;
}

/** Milliseconds spent in jobs since the page loaded: the difference over a pass is what it cost. */
export function renderWorkMs(): number {
  return workMs;
}
