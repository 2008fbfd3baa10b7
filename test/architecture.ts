/**
 * The architecture checks' machinery (test/architecture.test.ts runs them on src/): the
 * module graph of value imports, read from the source text with TypeScript's parser (no type
 * checking), and the four rules of docs/ARCHITECTURE.md, "Checks". Each check is a pure
 * function of a file map { path -> source }, so the test can also feed it a planted violation.
 *
 * What counts as an import: `import ... from`, a bare `import '...'`, `export ... from` and a
 * dynamic `import('...')` load the module at run time. `import type` and `export type` do not.
 * (Under verbatimModuleSyntax, `import { type A } from 'x'` still loads 'x', so it counts.)
 * Cycles count static imports only: a dynamic import() cannot form a module-level cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

export type Files = ReadonlyMap<string, string>;

export interface Import {
  /** The specifier as written ('../engine/rl', '@tensorflow/tfjs-core'). */
  spec: string;
  /** The src file it resolves to, for a relative specifier; null for a package. */
  target: string | null;
  dynamic: boolean;
  line: number;
}

const TEST_FILE = /\.(test|test-utils)\.tsx?$|\.slow\.test\.tsx?$/;

/** Every .ts/.tsx file under dir (repository-relative, posix), tests excluded unless asked. */
export function readSources(root: string, dir: string, withTests = false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = posix.join(rel, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts') && (withTests || !TEST_FILE.test(name))) out.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const parsed = new Map<string, { text: string; sf: ts.SourceFile }>();
/** The syntax tree of a file (cached: every check walks the same files). */
function parse(path: string, text: string): ts.SourceFile {
  const hit = parsed.get(path);
  if (hit?.text === text) return hit.sf;
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  parsed.set(path, { text, sf });
  return sf;
}

/** Resolve a relative specifier against the file map (as the bundler does: .ts, .tsx, /index). */
function resolve(from: string, spec: string, files: Files): string | null {
  if (!spec.startsWith('.')) return null;
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) if (files.has(c)) return c;
  return null;
}

/** The value imports of one file. */
export function valueImports(path: string, text: string, files: Files): Import[] {
  const sf = parse(path, text);
  const out: Import[] = [];
  const add = (spec: string, node: ts.Node, dynamic: boolean) =>
    out.push({ spec, target: resolve(path, spec, files), dynamic, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) add(node.moduleSpecifier.text, node, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) add(node.moduleSpecifier.text, node, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, node, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

// ---------------------------------------------------------------------------------------
// a. Layers: imports go one way

export interface LayerRule {
  /** Files the rule applies to (path prefix). */
  from: string;
  /** A short statement of the rule, for the failure message. */
  rule: string;
  /** True when the import is allowed. */
  allows: (imp: Import) => boolean;
}

const inside = (imp: Import, ...dirs: string[]) => imp.target !== null && dirs.some((d) => imp.target!.startsWith(d));

export const LAYER_RULES: readonly LayerRule[] = [
  { from: 'src/engine/', rule: 'the engine imports nothing from app/, worker/, cli/ or bench/', allows: (i) => !inside(i, 'src/app/', 'src/worker/', 'src/cli/', 'src/bench/') },
  { from: 'src/worker/', rule: 'the worker imports nothing from app/ or cli/', allows: (i) => !inside(i, 'src/app/', 'src/cli/') },
  { from: 'src/engine/rl/', rule: 'engine/rl imports only tfjs-core and itself', allows: (i) => (i.target === null ? i.spec === '@tensorflow/tfjs-core' : inside(i, 'src/engine/rl/')) },
  { from: 'src/app/', rule: 'the app imports nothing from cli/ or bench/', allows: (i) => !inside(i, 'src/cli/', 'src/bench/') },
  { from: 'src/bench/', rule: 'bench/ imports nothing from app/ or cli/', allows: (i) => !inside(i, 'src/app/', 'src/cli/') },
];

/** "file:line imports 'spec' (rule)" for every import a rule forbids. */
export function layerViolations(files: Files, rules: readonly LayerRule[] = LAYER_RULES): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    for (const rule of rules.filter((r) => path.startsWith(r.from))) {
      for (const imp of valueImports(path, text, files)) if (!rule.allows(imp)) out.push(`${path}:${imp.line} imports '${imp.spec}' (${rule.rule})`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// b. No module-level import cycles

/**
 * The import cycles among the files: one per strongly connected component (Tarjan), written
 * as a path from the component's first file (in sort order) back to itself by the shortest
 * route, e.g. "src/a.ts -> src/b.ts -> src/a.ts". Static value imports only.
 */
export function importCycles(files: Files): string[] {
  const edges = new Map<string, string[]>();
  for (const [path, text] of files) {
    const targets = valueImports(path, text, files).filter((i) => !i.dynamic && i.target !== null).map((i) => i.target!);
    edges.set(path, [...new Set(targets)].sort());
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const strong = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(comp.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) strong(v);
  // The shortest cycle through each component's first file (breadth-first inside the component).
  return components
    .map((comp) => {
      const members = new Set(comp);
      const start = comp[0]!;
      const prev = new Map<string, string>();
      const queue = [start];
      let end: string | null = null;
      while (queue.length > 0 && end === null) {
        const v = queue.shift()!;
        for (const w of edges.get(v) ?? []) {
          if (!members.has(w)) continue;
          if (w === start) {
            end = v;
            break;
          }
          if (!prev.has(w)) {
            prev.set(w, v);
            queue.push(w);
          }
        }
      }
      const path = [start];
      for (let v = end!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
      return [...path, start].join(' -> ') + (comp.length > path.length ? ` (component of ${comp.length} files: ${comp.join(', ')})` : '');
    })
    .sort();
}

// ---------------------------------------------------------------------------------------
// c. Algorithm identity is data: no `alg === 'ppo'` outside src/engine/algorithms/

export const ALGORITHM_IDS = ['reinforce', 'rloo', 'ppo', 'ppo-penalty', 'trpo', 'grpo'] as const;

/** A name that holds an algorithm id: alg, algorithm, x.algorithm, x.alg. */
const ALG_NAME = /(?:\b|\.)(?:alg|algorithm)\b/;
const COMPARE = [/(?:^|[^\w$])(?:[\w$.]*\.)?(?:alg|algorithm)\s*[!=]==?\s*['"`]/g, /['"`][\w-]*['"`]\s*[!=]==?\s*(?:[\w$]+\.)*(?:alg|algorithm)\b/g];

/** An algorithm id written as a string literal ('ppo', "trpo"). */
const isAlgorithmLiteral = (e: ts.Expression): boolean => ts.isStringLiteralLike(e) && (ALGORITHM_IDS as readonly string[]).includes(e.text);

/** "file:line: text" for every comparison of an algorithm name with a string, or of anything with an algorithm id's literal, and every `case '<id>'`. */
export function algorithmComparisons(files: Files, exempt = 'src/engine/algorithms/'): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    if (path.startsWith(exempt)) continue;
    const sf = parse(path, text);
    const report = (node: ts.Node) => {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      out.push(`${path}:${line}: ${node.getText(sf).replace(/\s+/g, ' ').slice(0, 80)}`);
    };
    const visit = (node: ts.Node) => {
      if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
        const src = node.getText(sf);
        // By name (alg === '...'), or by value: any comparison with an algorithm id's literal, whatever holds it (spec.id === 'ppo').
        if (COMPARE.some((re) => ((re.lastIndex = 0), re.test(src))) || [node.left, node.right].some(isAlgorithmLiteral)) report(node);
      } else if (ts.isSwitchStatement(node)) {
        const onAlgorithm = ALG_NAME.test(node.expression.getText(sf));
        for (const clause of node.caseBlock.clauses) {
          if (ts.isCaseClause(clause) && (onAlgorithm ? ts.isStringLiteralLike(clause.expression) && (ALGORITHM_IDS as readonly string[]).includes(clause.expression.text) : isAlgorithmLiteral(clause.expression))) report(clause.expression);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// d. Short functions

export interface FunctionLength {
  /** "file:line name" (name: the declaration, method, or the variable / property an arrow is assigned to). */
  where: string;
  /** "file name", the allowlist's key (stable when lines above it move). */
  key: string;
  lines: number;
}

function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (node.name) return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) return p.name.getText(sf);
  if (ts.isCallExpression(p)) return `<callback of ${p.expression.getText(sf).slice(0, 40)}>`;
  return '<anonymous>';
}

/** Every function (declarations, expressions, arrows, methods, accessors, constructors) in files under dirs longer than max lines, start to end. */
export function longFunctions(files: Files, dirs: readonly string[], max: number): FunctionLength[] {
  const out: FunctionLength[] = [];
  for (const [path, text] of files) {
    if (!dirs.some((d) => path.startsWith(d))) continue;
    const sf = parse(path, text);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const fn = node;
        const start = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line + 1;
        const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line + 1;
        const lines = end - start + 1;
        const name = functionName(fn, sf);
        if (lines > max) out.push({ where: `${path}:${start} ${name}`, key: `${path} ${name}`, lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}
