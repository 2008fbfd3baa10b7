/**
 * "Import run" in the worker (importFile.ts): the phases come in order, each from 0 to 1; a bad
 * file is refused with the very sentence the whole-file parser gave before the import moved into
 * the worker (computed here from one RunFileSchema.safeParse of the whole file, as the page used
 * to); a refusal, a cancel or a failed write stores nothing; the records are thinned before they
 * are stored; another trainer's logs go through the same path.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import TRL from '../../test/fixtures/external/trainer_state.json?raw';
import { DEFAULT_RUN_CONFIG } from '../engine/config';
import { issueMessage, issuePath } from '../engine/issues';
import type { MetricsRecord } from '../engine/train/metrics';
import type { StoredRun } from './dbSchema';
import { importFromFile, type ImportDeps } from './importFile';
import { IMPORT_PHASES, importDone, type ImportProgress, type ImportRequest } from './importProtocol';
import type { WriteResult } from './protocol';
import { RunFileSchema } from './runFile';

const rec = (iteration: number): MetricsRecord => ({
  iteration,
  wallMs: iteration * 10,
  klEstimator: 'k3',
  difficulty: 1,
  values: { 'reward/mean': iteration / 1e4, ...(iteration % 500 === 0 ? { 'acc/eval_id': 0.5 } : {}) },
});

function runFile(n: number, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'rft-playground/run',
    version: 1,
    run: { name: 'big', status: 'stopped', createdAt: 1, iteration: n, wallMs: n * 10, color: '#0072B2' },
    config: DEFAULT_RUN_CONFIG,
    metrics: Array.from({ length: n }, (_, i) => rec(i + 1)),
    ...patch,
  };
}

const request = (text: string, fileName = 'big.run.json'): ImportRequest => ({ id: 'new-id', file: new Blob([text]), fileName, usedColors: ['#E69F00'], color: '#56B4E9' });

/** The writer and the page, faked: what was stored, what the page heard. */
function fakes(written: WriteResult = { ok: true }, cancelWhen?: (p: ImportProgress) => boolean) {
  const stored: { run: StoredRun; metrics: MetricsRecord[] }[] = [];
  const heard: ImportProgress[] = [];
  let cancel = false;
  const deps: ImportDeps = {
    store: (run, metrics) => {
      stored.push({ run, metrics });
      return Promise.resolve(written);
    },
    onProgress: (p) => {
      heard.push(p);
      if (cancelWhen?.(p)) cancel = true;
    },
    cancelled: () => cancel,
    pause: () => Promise.resolve(),
  };
  return { stored, heard, deps };
}

/** The refusal the page showed before this change: parseRunFile's whole-file message for a zod issue. */
function wholeFileRefusal(json: unknown): string {
  const parsed = RunFileSchema.safeParse(json);
  if (parsed.success) throw new Error('the file is valid');
  const issue = parsed.error.issues[0]!;
  const path = issuePath(issue);
  if (path === 'config' || path.startsWith('config.')) return `Invalid config at ${path}: ${issueMessage(issue)} This app cannot build that model or run.`;
  return `Not a playground run file${path ? ` at ${path}` : ''}: ${issueMessage(issue)}`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('importing a file in the worker', () => {
  it('goes through reading, parsing, validating, thinning and storing in order, each from 0 to 1, and stores the thinned records', async () => {
    const n = 5000; // three steps of 2,000 records
    const { stored, heard, deps } = fakes();
    const result = await importFromFile(request(JSON.stringify(runFile(n))), deps);
    expect(result).toMatchObject({ ok: true, id: 'new-id', name: 'big' });
    const phases = heard.map((p) => p.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    expect(phases).toEqual([...IMPORT_PHASES]);
    for (const phase of IMPORT_PHASES) {
      const fractions = heard.filter((p) => p.phase === phase).map((p) => p.fraction);
      expect(fractions[0], phase).toBe(0);
      expect(fractions.at(-1), phase).toBe(1);
      expect(fractions, phase).toEqual([...fractions].sort((a, b) => a - b));
    }
    // Validation reports between its steps: 0, then after 2,000 / 4,000 / 5,000 records (0.4, 0.8, 1).
    expect(heard.filter((p) => p.phase === 'validating').length).toBeGreaterThanOrEqual(2);
    // The whole bar only grows, from 0 to 1.
    const whole = heard.map(importDone);
    expect(whole).toEqual([...whole].sort((a, b) => a - b));
    expect(whole.at(-1)).toBe(1);

    expect(stored).toHaveLength(1);
    const { run, metrics } = stored[0]!;
    // 5,000 records are thinned as compaction would (at most 2,000, every evaluation and the last kept).
    expect(metrics.length).toBeLessThanOrEqual(2000);
    expect(metrics.filter((r) => 'acc/eval_id' in r.values)).toHaveLength(n / 500);
    expect(metrics[0]!.iteration).toBe(1);
    expect(metrics.at(-1)!.iteration).toBe(n);
    expect(run.compactedThrough).toBeGreaterThan(0);
    expect(run).toMatchObject({ id: 'new-id', name: 'big', status: 'stopped', color: '#0072B2', visible: true, iteration: n });
    expect(result).toMatchObject({ records: metrics.length });
  });

  it('takes the given colour when the file has none or another run shows it', async () => {
    const { stored, deps } = fakes();
    const file = runFile(3);
    (file.run as Record<string, unknown>).color = '#E69F00';
    await importFromFile(request(JSON.stringify(file)), deps);
    expect(stored[0]!.run.color).toBe('#56B4E9');
  });

  it('refuses a bad file with the sentence the whole-file parser gave, and stores nothing', async () => {
    const good = runFile(2100);
    const badRecord = runFile(2100);
    (badRecord.metrics as Record<string, unknown>[])[2050]!.klEstimator = 'k9'; // in the second step: its place in the file is named
    const badAndUnknown = { ...badRecord, extra: 1 }; // zod names the record before the unknown key
    const unknownOnly = { ...good, extra: 1 };
    const badConfig = { ...good, config: { ...DEFAULT_RUN_CONFIG, sampling: { ...DEFAULT_RUN_CONFIG.sampling, groupSize: 0 } } };
    const badConfigAndRecord = { ...badRecord, config: badConfig.config };
    const zodCases = { badRecord, badAndUnknown, unknownOnly, badConfig, badConfigAndRecord, noMetrics: { ...good, metrics: 3 } };
    const cases: [string, string, string | RegExp][] = [
      ...Object.entries(zodCases).map(([what, json]): [string, string, string] => [what, JSON.stringify(json), wholeFileRefusal(json)]),
      ['not JSON', '<script>', /^Not JSON: /],
      ['truncated', JSON.stringify(good).slice(0, 1000), /^Truncated file: it ends before its JSON does/],
      ['an array', '[1]', 'Not a playground run file: it holds an array, not an object.'],
      ['format', '{"format":"x"}', 'Not a playground run file: its format is "x", expected "rft-playground/run".'],
      ['version', '{"format":"rft-playground/run","version":2}', 'Unsupported run file version 2: this app reads version 1.'],
      ['prototype key', JSON.stringify(good).replace('"run":{', '"run":{"__proto__":1,'), 'Not a playground run file: it has the key "__proto__" at run.__proto__, which is no field of a run file.'],
      ['order', JSON.stringify({ ...good, metrics: [rec(2), rec(1)] }), 'Inconsistent metrics: iteration 1 comes after iteration 2 (records must go strictly upward).'],
      ['past the run', JSON.stringify({ ...good, run: { ...(good.run as object), iteration: 3 } }), "Inconsistent metrics: they go on to iteration 2100, past the run's iteration 3."],
    ];
    expect(cases[0]![2]).toMatch(/^Not a playground run file at metrics\.2050\.klEstimator: /);
    expect(cases[1]![2]).toBe(cases[0]![2]);
    expect(cases[2]![2]).toBe('Not a playground run file: Unknown field "extra".');
    expect(cases[4]![2]).toMatch(/^Invalid config at config\.sampling\.groupSize: /);
    for (const [what, text, message] of cases) {
      const { stored, deps } = fakes();
      const result = await importFromFile(request(text), deps);
      expect(result.ok, what).toBe(false);
      if (result.ok) continue;
      expect(result.reason, what).toBe('refused');
      if (typeof message === 'string') expect(result.message, what).toBe(message);
      else expect(result.message, what).toMatch(message);
      expect(stored, what).toEqual([]);
    }
  });

  it('refuses a file over 64 MB by its size, unread', async () => {
    const { stored, heard, deps } = fakes();
    const file = new Blob([]);
    vi.spyOn(file, 'size', 'get').mockReturnValue(64 * 1024 * 1024 + 1);
    const stream = vi.spyOn(file, 'stream');
    const result = await importFromFile({ ...request(''), file }, deps);
    expect(result).toMatchObject({ ok: false, reason: 'refused', message: 'File too large: 64.0 MB (at most 64.0 MB).' });
    expect(stream).not.toHaveBeenCalled();
    expect(heard).toEqual([]);
    expect(stored).toEqual([]);
  });

  it('a cancel between steps stops the import and stores nothing', async () => {
    const { stored, heard, deps } = fakes({ ok: true }, (p) => p.phase === 'validating' && p.fraction > 0);
    const result = await importFromFile(request(JSON.stringify(runFile(5000))), deps);
    expect(result).toMatchObject({ ok: false, reason: 'cancelled', message: 'The import was cancelled; nothing was changed.' });
    expect(stored).toEqual([]);
    expect(heard.some((p) => p.phase === 'storing' || p.phase === 'thinning')).toBe(false);
  });

  it('a cancel sent while the file is parsed is heard as soon as the parse ends, before any record is checked', async () => {
    // JSON.parse cannot be interrupted; the worker looks for a cancel right after it (the page asked during 'parsing').
    const { stored, heard, deps } = fakes({ ok: true }, (p) => p.phase === 'parsing' && p.fraction === 1);
    const result = await importFromFile(request(JSON.stringify(runFile(5000))), deps);
    expect(result).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(stored).toEqual([]);
    expect(heard.map((p) => p.phase)).not.toContain('validating');
  });

  it('a write storage refuses is reported as storage, with what was not saved', async () => {
    const full: WriteResult = { ok: false, full: true, what: 'the imported run "big"', message: 'Storage is full: the imported run "big" could not be saved.' };
    const { heard, deps } = fakes(full);
    const result = await importFromFile(request(JSON.stringify(runFile(3))), deps);
    expect(result).toEqual({ ok: false, reason: 'storage', full: true, what: full.what, message: full.message });
    expect(heard.at(-1)).toEqual({ phase: 'storing', fraction: 0 });
  });

  it("another trainer's logs are read the same way, with a note; a broken one is refused naming its format", async () => {
    const { stored, deps } = fakes();
    const result = await importFromFile(request(TRL, 'trainer_state.json'), deps);
    expect(result).toMatchObject({ ok: true, note: expect.stringMatching(/^TRL trainer_state\.json: \d+ metrics mapped/) as unknown });
    expect(stored[0]!.run).toMatchObject({ status: 'done', source: { format: 'trl', file: 'trainer_state.json' } });

    const broken = fakes();
    const refused = await importFromFile(request('{"log_history": 3}', 'trainer_state.json'), broken.deps);
    expect(refused).toMatchObject({ ok: false, reason: 'refused', message: expect.stringMatching(/^TRL trainer_state\.json: .* Nothing was changed\.$/) as unknown });
    expect(broken.stored).toEqual([]);
  });
});
