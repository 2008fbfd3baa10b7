import * as Comlink from 'comlink';

/** A callback the worker may call back across the boundary (TrainerApi.evaluateRun's progress). */
export function progressCallback(fn: (done: number, total: number) => void): (done: number, total: number) => void {
  return Comlink.proxy(fn);
}
