import { constants } from 'node:fs';
import { access, mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { issueMessage } from '../engine/issues';

/** A usage error: the CLI prints its message and the usage line, then exits with status 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse argv with node:util (unknown flags are errors) and validate with a zod schema, so
 * every CLI refuses bad input the same way: one line naming the flag and what it expects.
 */
export function parseCli<S extends z.ZodType>(argv: string[], options: Options, schema: S): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path.length ? `--${String(issue.path[0])}` : 'arguments';
    throw new UsageError(`${flag}: ${issueMessage(issue)}`);
  }
  return parsed.data;
}

/** A decimal number as typed (Number() alone also takes 0x10, 0b1 and Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A numeric flag given as a string (parseArgs yields strings). */
export const numArg = (schema: z.ZodNumber) =>
  z.string().trim().regex(DECIMAL, 'expected a number').transform(Number).pipe(schema);

const reason = (e: unknown): string => (e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e));

/** An output directory, created now (with its parents) and writable, before any work: else a UsageError naming the flag. */
export async function writableDir(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write to ${dir} (${reason(e)})`);
  }
}

/** An output file, created now (its directory too), before any work: else a UsageError naming the flag. */
export async function createdFile(path: string, flag: string): Promise<FileHandle> {
  try {
    await mkdir(dirname(path), { recursive: true });
    return await open(path, 'w');
  } catch (e) {
    throw new UsageError(`${flag}: cannot create ${path} (${reason(e)})`);
  }
}

/** Run a CLI main: usage errors exit 2, other errors 1, both with a one-line message. */
export function runCli(usage: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`error: ${e.message}\n${usage}\n`);
        process.exit(2);
      }
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
