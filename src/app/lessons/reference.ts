/**
 * The committed measurements of every lesson's promise (reference.json, written by `npm run
 * lessons -- --check --write`): the faint "measured run" curves each lesson draws from its first
 * second, and the expected numbers its takeaway quotes. Parsed with zod like any file that
 * crosses a boundary.
 */
import { z } from 'zod';
import type { ReferenceFile, ReferenceLesson } from './promises';
import data from './reference.json' with { type: 'json' };

/** JSON has no NaN: a measurement with no value (an arm that logged nothing there) is stored as null. */
const num = z.number().nullable().transform((v) => v ?? NaN);
const SpreadSchema = z.object({ mean: num, min: num, max: num });

export const ReferenceFileSchema = z.object({
  version: z.literal(1),
  lessons: z.record(
    z.string(),
    z.object({
      seeds: z.array(z.number().int()),
      backend: z.string(),
      seconds: z.number(),
      arms: z.record(z.string(), z.object({ label: z.string(), series: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))) })),
      claims: z.record(
        z.string(),
        z.object({ id: z.string(), seeds: z.array(z.number().int()), value: SpreadSchema, base: SpreadSchema, diff: SpreadSchema, heldPerSeed: z.array(z.boolean()), held: z.boolean() }),
      ),
    }),
  ),
});

export const REFERENCE: ReferenceFile = ReferenceFileSchema.parse(data) satisfies ReferenceFile;

export const referenceFor = (lessonId: string | null | undefined): ReferenceLesson | undefined => (lessonId ? REFERENCE.lessons[lessonId] : undefined);
