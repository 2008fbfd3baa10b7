import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The worker is the runs' only writer: worker/db.ts is the one module that opens the
 * playground's IndexedDB for writing, and only worker modules import it. A readwrite
 * transaction, a write on a db or store handle, or an import of the writer anywhere else
 * fails here. (e2e tests are outside src/: they tamper with storage on purpose.)
 */

const SRC = join(__dirname, '..');
const WRITER = 'worker/db.ts';
/** The worker modules that may call the writer. Nothing the page imports is among them. */
const WRITER_CALLERS = new Set(['worker/journal.ts', 'worker/records.ts', 'worker/runner.ts', 'worker/tools.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Ways a module can write IndexedDB: a readwrite transaction, or idb's write shortcuts on a db handle. */
const WRITES: readonly RegExp[] = [/['"]readwrite['"]/, /['"]versionchange['"]/, /\bdb\.(put|add|delete|clear)\s*\(/, /\bindexedDB\.deleteDatabase\b/];
/** An import of the writer module. */
const IMPORTS_WRITER = /from\s+['"](\.\.?\/)+(worker\/)?db['"]/;

export function violations(files: readonly { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    if (path === WRITER) continue;
    for (const re of WRITES) if (re.test(text)) found.push(`${path} writes IndexedDB (${re.source})`);
    if (IMPORTS_WRITER.test(text) && !WRITER_CALLERS.has(path)) found.push(`${path} imports the db writer`);
  }
  return found;
}

describe('the db writer is the only module that writes IndexedDB', () => {
  const files = sources(SRC).map((p) => ({ path: relative(SRC, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));

  it('finds no other writer in src/', () => {
    expect(files.some((f) => f.path === WRITER)).toBe(true);
    expect(violations(files)).toEqual([]);
  });

  it('catches a planted violation', () => {
    const planted = [
      { path: 'app/store/runsSlice.ts', text: "const tx = db.transaction('runs', 'readwrite');" },
      { path: 'app/lib/x.ts', text: "await db.put('runs', run);" },
      { path: 'app/store/y.ts', text: "import { commit } from '../../worker/db';" },
      { path: 'worker/queries.ts', text: "db.transaction('runs', \"readwrite\")" },
    ];
    expect(violations(planted)).toHaveLength(4);
  });
});
