/**
 * The architecture checks of docs/ARCHITECTURE.md ("Checks"), run on src/ as text (fast tier):
 *
 *   a. imports go one way (engine <- worker <- app; engine/rl imports only tfjs-core);
 *   b. no module-level import cycles;
 *   c. no comparison of an algorithm name with a string outside src/engine/algorithms/
 *      (the facts live in engine/algorithms/spec.ts);
 *   d. no function over 60 lines in src/engine/train and src/worker.
 *
 * Only value imports count (test/architecture.ts says exactly what that means). Test files are
 * not part of the graph. The allowlists below are empty: an offender fails, and an entry that
 * no longer matches fails too, so a list can only shrink.
 * The second describe block plants a violation of each rule in a made-up file map and checks
 * the message: the checks can fail.
 */
import { describe, expect, it } from 'vitest';
import { algorithmComparisons, importCycles, layerViolations, longFunctions, readSources } from './architecture';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX_FUNCTION_LINES = 60;
const SHORT_FUNCTION_DIRS = ['src/engine/train/', 'src/worker/'];

/** b. Import cycles allowed, as importCycles() writes them: none. A new entry needs a reason beside it. */
const CYCLES_ALLOWED: readonly string[] = [];

/** c. Files allowed to compare an algorithm name with a string outside engine/algorithms, and how many times: none. */
const ALGORITHM_COMPARISONS_ALLOWED: Readonly<Record<string, number>> = {};

/** d. Functions allowed over 60 lines ("file name": lines): none. */
const LONG_FUNCTIONS_ALLOWED: Readonly<Record<string, number>> = {};

const files = readSources(ROOT, 'src');

describe('architecture (src/)', () => {
  it('a. imports go one way: engine <- worker <- app, engine/rl imports only tfjs-core and itself', () => {
    expect(files.size).toBeGreaterThan(100);
    const bad = layerViolations(files);
    expect(bad, `imports against the layers:\n${bad.join('\n')}`).toEqual([]);
  });

  it('b. no module-level import cycles', () => {
    const cycles = importCycles(files);
    const fresh = cycles.filter((c) => !CYCLES_ALLOWED.includes(c));
    const stale = CYCLES_ALLOWED.filter((c) => !cycles.includes(c));
    expect(fresh, `import cycles:\n${fresh.join('\n')}`).toEqual([]);
    expect(stale, `allowed cycles that are gone (remove them from CYCLES_ALLOWED):\n${stale.join('\n')}`).toEqual([]);
  });

  it("c. no `algorithm === '<id>'` outside src/engine/algorithms/ (use the spec's facts)", () => {
    const found = algorithmComparisons(files);
    const byFile = new Map<string, string[]>();
    for (const f of found) {
      const file = f.slice(0, f.indexOf(':'));
      byFile.set(file, [...(byFile.get(file) ?? []), f]);
    }
    const over = [...byFile].filter(([file, list]) => list.length > (ALGORITHM_COMPARISONS_ALLOWED[file] ?? 0)).flatMap(([, list]) => list);
    expect(over, `algorithm names compared with strings outside src/engine/algorithms/ (read ALGORITHM_SPECS instead):\n${over.join('\n')}`).toEqual([]);
    const stale = Object.entries(ALGORITHM_COMPARISONS_ALLOWED).filter(([file, n]) => (byFile.get(file)?.length ?? 0) < n).map(([file, n]) => `${file}: ${n} allowed, ${byFile.get(file)?.length ?? 0} found`);
    expect(stale, `lower or remove these allowances:\n${stale.join('\n')}`).toEqual([]);
  });

  it(`d. no function over ${MAX_FUNCTION_LINES} lines in ${SHORT_FUNCTION_DIRS.join(' and ')}`, () => {
    const long = longFunctions(files, SHORT_FUNCTION_DIRS, MAX_FUNCTION_LINES);
    const over = long.filter((f) => f.lines > (LONG_FUNCTIONS_ALLOWED[f.key] ?? MAX_FUNCTION_LINES)).map((f) => `${f.where}: ${f.lines} lines`);
    expect(over, `functions over ${MAX_FUNCTION_LINES} lines (or longer than allowed):\n${over.join('\n')}`).toEqual([]);
    const stale = Object.entries(LONG_FUNCTIONS_ALLOWED).filter(([key, n]) => !long.some((f) => f.key === key && f.lines === n)).map(([key, n]) => `${key}: ${n}`);
    expect(stale, `allowed long functions that shrank or are gone (update LONG_FUNCTIONS_ALLOWED):\n${stale.join('\n')}`).toEqual([]);
  });
});

describe('the checks fail on planted violations', () => {
  const plant = (extra: Record<string, string>) => new Map([...files, ...Object.entries(extra)]);

  it('a. an engine file importing the app, a worker file importing the app, engine/rl importing the model', () => {
    const bad = layerViolations(
      plant({
        'src/engine/planted.ts': "import { x } from '../app/lib/hash';\nimport type { T } from '../worker/protocol';\n",
        'src/worker/planted.ts': "export { y } from '../app/store';\n",
        'src/engine/rl/planted.ts': "const m = await import('../model');\nimport 'zod';\n",
      }),
    );
    expect(bad).toEqual([
      "src/engine/planted.ts:1 imports '../app/lib/hash' (the engine imports nothing from app/, worker/, cli/ or bench/)",
      "src/worker/planted.ts:1 imports '../app/store' (the worker imports nothing from app/ or cli/)",
      "src/engine/rl/planted.ts:1 imports '../model' (engine/rl imports only tfjs-core and itself)",
      "src/engine/rl/planted.ts:2 imports 'zod' (engine/rl imports only tfjs-core and itself)",
    ]);
  });

  it('b. a cycle through three files is reported as its path; type-only and dynamic imports make none', () => {
    const cycles = importCycles(
      new Map([
        ['src/a.ts', "import { b } from './b';"],
        ['src/b.ts', "import { c } from './c/index';"],
        ['src/c/index.ts', "import { a } from '../a';\nimport type { D } from '../d';"],
        ['src/d.ts', "import type { C } from './c';\nconst a = import('./a');"],
      ]),
    );
    expect(cycles).toEqual(['src/a.ts -> src/b.ts -> src/c/index.ts -> src/a.ts']);
  });

  it("c. `o.algorithm === 'ppo'`, `'trpo' !== alg` and `case 'grpo'` in a switch on the algorithm", () => {
    const found = algorithmComparisons(
      new Map([
        ['src/app/planted.ts', "const a = o.algorithm === 'ppo';\nconst b = 'trpo' !== alg;\nswitch (config.objective.algorithm) {\n  case 'grpo': break;\n}\nconst ok = preset === 'dapo';\nconst hidden = spec.id === 'rloo';\nswitch (kind) {\n  case 'ppo-penalty': break;\n}"],
        ['src/engine/algorithms/planted.ts', "const fine = alg === 'ppo';"],
      ]),
    );
    expect(found).toEqual([
      "src/app/planted.ts:1: o.algorithm === 'ppo'",
      "src/app/planted.ts:2: 'trpo' !== alg",
      "src/app/planted.ts:4: 'grpo'",
      "src/app/planted.ts:7: spec.id === 'rloo'",
      "src/app/planted.ts:9: 'ppo-penalty'",
    ]);
  });

  it('d. a 61-line arrow function in src/worker, and a method in src/engine/train', () => {
    const body = Array.from({ length: 59 }, (_, i) => `  x += ${i};`).join('\n');
    const found = longFunctions(
      new Map([
        ['src/worker/planted.ts', `export const run = () => {\n${body}\n};\nfunction short() {\n  return 1;\n}`],
        ['src/engine/train/planted.ts', `class A {\n  step() {\n${body}\n  }\n}`],
        ['src/app/planted.ts', `export const free = () => {\n${body}\n${body}\n};`],
      ]),
      SHORT_FUNCTION_DIRS,
      MAX_FUNCTION_LINES,
    );
    expect(found.map((f) => `${f.where}: ${f.lines}`)).toEqual(['src/worker/planted.ts:1 run: 61', 'src/engine/train/planted.ts:2 step: 61']);
  });
});
