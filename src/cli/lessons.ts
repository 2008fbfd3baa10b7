/**
 * npm run lessons -- --check [--lesson kl-anchor,what-clipping-does] [--seeds 1,2,3] [--write]
 *
 * Every lesson declares what it promises (src/app/lessons: arms and claims). --check trains
 * each arm of each lesson on every seed headless (the engine's trainer on tfjs wasm, as `npm
 * run train`), measures every claim per seed and prints promise against measured: the table
 * the README holds. Exit status 1 if any claim fails on any seed. --write stores the measured
 * reference curves and numbers the page draws and the takeaway quotes (reference.json).
 * Without --check it prints the committed table. Slow (minutes per lesson): never in npm test;
 * test/lessons-check.slow.test.ts checks one promise on a tiny model.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { LESSONS } from '../app/lessons';
import { promiseTable, type ReferenceFile } from '../app/lessons/promises';
import { ReferenceFileSchema } from '../app/lessons/reference';
import { createdFile, runCli } from './args';
import { initBackend } from './backend';
import { fileHandler } from './fileHandler';
import { checkLesson } from './lessonCheck';
import { USAGE, parseLessonsArgs } from './lessonsArgs';
import { Progress } from './progress';

async function readReference(path: string): Promise<ReferenceFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { version: 1, lessons: {} };
  }
  return ReferenceFileSchema.parse(JSON.parse(text));
}

/** Merge the measured lessons into the file at `out` (written whole, then renamed into place). */
async function store(out: string, measured: ReferenceFile): Promise<void> {
  const committed = await readReference(out);
  const merged: ReferenceFile = { version: 1, lessons: { ...committed.lessons, ...measured.lessons } };
  await writeFile(`${out}.tmp`, `${JSON.stringify(merged)}\n`);
  await rename(`${out}.tmp`, out);
  process.stderr.write(`wrote ${out}\n`);
}

runCli(USAGE, async () => {
  const args = parseLessonsArgs(process.argv.slice(2));
  const lessons = LESSONS.filter((l) => args.lesson.includes(l.id));
  const committed = await readReference(args.out);
  if (!args.check) {
    process.stdout.write(`${promiseTable(lessons, committed)}\n`);
    return;
  }
  if (args.write) await (await createdFile(`${args.out}.tmp`, '--out')).close(); // writable, before hours of work
  const backend = await initBackend(args.backend);
  const measured: ReferenceFile = { version: 1, lessons: {} };
  for (const lesson of lessons) {
    if (!lesson.promise) {
      process.stderr.write(`${lesson.id}: no promise declared, skipped\n`);
      continue;
    }
    let progress: Progress | null = null;
    let current = '';
    measured.lessons[lesson.id] = await checkLesson(lesson, {
      seeds: args.seeds,
      backend,
      deps: { loadWarmStart: (task) => fileHandler(`public/checkpoints/${task}`) },
      onIteration: (arm, seed, record, total) => {
        const key = `${arm} seed ${seed}`;
        if (key !== current) {
          progress?.done();
          progress = new Progress(`${lesson.id} ${key}`, total, args.quiet);
          current = key;
        }
        progress!.update(record.iteration);
      },
    });
    (progress as Progress | null)?.done();
    // Stored after each lesson: a long check that is cut short keeps what it measured.
    if (args.write) await store(args.out, measured);
  }
  process.stdout.write(`${promiseTable(lessons, measured)}\n`);
  const failed = Object.entries(measured.lessons).flatMap(([id, l]) => Object.values(l.claims).filter((c) => !c.held).map((c) => `${id}/${c.id}`));
  if (failed.length > 0) throw new Error(`${failed.length} promise(s) did not hold on every seed: ${failed.join(', ')}`);
});
