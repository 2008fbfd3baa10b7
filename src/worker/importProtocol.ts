import { z } from 'zod';

/**
 * "Import run" as it crosses from the page to the worker (TrainerApi.importFile): the page hands
 * over the File itself (a Blob: posting it shares its bytes, nothing is read or copied on the
 * page), the worker reads, parses, validates, thins and stores it, and says how far it is
 * through an `onProgress` callback. Each message is parsed with zod where it lands.
 */

/** The phases of an import, in order. */
export const IMPORT_PHASES = ['reading', 'parsing', 'validating', 'thinning', 'storing'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** What the progress bar says during each phase. */
export const IMPORT_PHASE_LABELS: Record<ImportPhase, string> = {
  reading: 'Reading the file',
  parsing: 'Parsing',
  validating: 'Checking the records',
  thinning: 'Thinning to at most 2,000 records',
  storing: 'Saving',
};

/** Each phase's share of the whole bar (checking the records takes most of a large file's time). */
export const IMPORT_PHASE_WEIGHTS: Record<ImportPhase, number> = { reading: 0.15, parsing: 0.15, validating: 0.6, thinning: 0.05, storing: 0.05 };

/** How far an import is: its phase and the fraction of that phase done (0-1). */
export const ImportProgressSchema = z.strictObject({ phase: z.enum(IMPORT_PHASES), fraction: z.number().min(0).max(1) });
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export const ImportRequestSchema = z.strictObject({
  /** The new run's id (the page makes it, so it can cancel and then find the run). */
  id: z.string().min(1),
  /** The file as chosen: a File or any Blob. */
  file: z.instanceof(Blob),
  /** The file's name: it tells a TRL / veRL / W&B log apart and names such a run. */
  fileName: z.string().max(1000),
  /** Colours other runs show: the file's own colour is kept only if none has it. */
  usedColors: z.array(z.string()),
  /** The colour to give the run otherwise. */
  color: z.string(),
});
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

/**
 * What an import came to: stored (with how many records, and a note for another trainer's
 * logs), or not, and why: `refused` (the file: `message` is the whole sentence), `storage`
 * (the write failed: `full` for a quota; what was not saved), `cancelled`. Nothing is stored
 * unless it is ok.
 */
export const ImportResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), id: z.string(), name: z.string(), records: z.number().int().min(0), note: z.string().optional() }),
  z.strictObject({ ok: z.literal(false), reason: z.enum(['refused', 'storage', 'cancelled']), full: z.boolean(), what: z.string(), message: z.string() }),
]);
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** How much of the whole import is done (0-1): the phases before this one, and this one's fraction of its share. */
export function importDone(progress: ImportProgress): number {
  let done = 0;
  for (const phase of IMPORT_PHASES) {
    if (phase === progress.phase) return Math.min(1, done + IMPORT_PHASE_WEIGHTS[phase] * progress.fraction);
    done += IMPORT_PHASE_WEIGHTS[phase];
  }
  return done;
}
