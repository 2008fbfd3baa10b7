import * as Comlink from 'comlink';
import { ImportProgressSchema, type ImportProgress } from './importProtocol';

/** A callback the worker may call back across the boundary (TrainerApi.evaluateRun's progress). */
export function progressCallback(fn: (done: number, total: number) => void): (done: number, total: number) => void {
  return Comlink.proxy(fn);
}

/**
 * An import's progress callback (TrainerApi.importFile): each message from the worker is parsed
 * with zod where it lands, and a malformed one is dropped (the import's result still comes).
 */
export function importProgressCallback(fn: (progress: ImportProgress) => void): (progress: ImportProgress) => void {
  return Comlink.proxy((raw: unknown) => {
    const parsed = ImportProgressSchema.safeParse(raw);
    if (parsed.success) fn(parsed.data);
  });
}
