import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, MAX_RUN_NAME_LENGTH, RunConfigSchema } from '../../engine/config';
import type { MetricsRecord } from '../../engine/train/metrics';
import type { StoredRun } from '../../worker/client';
import { csvCell, metricsCsv, parseRunFile, runFileJson, safeFileName } from './exportRun';
import { withValue } from './fields';

const run: StoredRun = {
  id: 'x',
  name: 'my "run", v1',
  config: DEFAULT_RUN_CONFIG,
  status: 'running',
  color: '#0072B2',
  visible: true,
  createdAt: 1,
  iteration: 2,
  wallMs: 900,
};
const metrics: MetricsRecord[] = [
  { iteration: 1, wallMs: 400, klEstimator: 'k3', difficulty: 1, values: { 'reward/mean': 0.5, 'reward/accuracy/mean': 0.25, 'loss/value': NaN } },
  { iteration: 2, wallMs: 900, klEstimator: 'k3', difficulty: 1, values: { 'reward/mean': 0.75 } },
];

describe('run files', () => {
  it('round-trips through JSON; a live run comes back stopped; NaN is left out', () => {
    const file = parseRunFile(runFileJson(run, metrics));
    expect(file.config).toEqual(DEFAULT_RUN_CONFIG);
    expect(file.run).toMatchObject({ name: run.name, iteration: 2, status: 'stopped' });
    expect(file.metrics[0]!.values).toEqual({ 'reward/mean': 0.5, 'reward/accuracy/mean': 0.25 });
    expect(file.metrics).toHaveLength(2);
  });

  it('refuses what is not a run file, saying which kind of problem and where', () => {
    expect(() => parseRunFile('nope')).toThrow(/^Not JSON/);
    expect(() => parseRunFile('[1,2]')).toThrow(/^Not a playground run file: it holds an array/);
    expect(() => parseRunFile('{"format":"x"}')).toThrow('Not a playground run file: its format is "x", expected "rft-playground/run".');
    expect(() => parseRunFile('{"format":"rft-playground/run","version":2}')).toThrow('Unsupported run file version 2: this app reads version 1.');
    const bad = JSON.parse(runFileJson(run, metrics)) as { config: { sampling: { groupSize: number } } };
    bad.config.sampling.groupSize = 0;
    expect(() => parseRunFile(JSON.stringify(bad))).toThrow(/^Invalid config at config\.sampling\.groupSize/);
  });

  it('names a file cut short as truncated, wherever it was cut', () => {
    const text = runFileJson(run, metrics);
    for (const cut of [1, 10, Math.floor(text.length / 2), text.length - 1]) {
      expect(() => parseRunFile(text.slice(0, cut)), `cut at ${cut}`).toThrow(/^Truncated file: it ends before its JSON does/);
    }
  });

  it('refuses a model config this app cannot build (a cross-field rule), at the field', () => {
    const bad = JSON.parse(runFileJson(run, metrics)) as { config: { model: { dModel: number; nHeads: number } } };
    bad.config.model.dModel = 30; // not a multiple of nHeads = 4
    expect(() => parseRunFile(JSON.stringify(bad))).toThrow(/^Invalid config at config\.model/);
  });

  it('refuses metrics out of order, repeated, or past the run, since storage would merge them silently', () => {
    const file = JSON.parse(runFileJson({ ...run, status: 'done' }, metrics)) as { run: { iteration: number }; metrics: { iteration: number }[] };
    const twice = structuredClone(file);
    twice.metrics[1]!.iteration = 1;
    expect(() => parseRunFile(JSON.stringify(twice))).toThrow('Inconsistent metrics: iteration 1 comes after iteration 1 (records must go strictly upward).');
    const past = structuredClone(file);
    past.run.iteration = 1;
    expect(() => parseRunFile(JSON.stringify(past))).toThrow("Inconsistent metrics: they go on to iteration 2, past the run's iteration 1.");
  });

  it('carries compactedThrough, so thinned metrics import as thinned, not as losses', () => {
    const file = parseRunFile(runFileJson({ ...run, compactedThrough: 1 }, metrics));
    expect(file.run.compactedThrough).toBe(1);
    expect(parseRunFile(runFileJson(run, metrics)).run.compactedThrough).toBeUndefined();
  });

  it('writes CSV with known keys first and blanks for missing values', () => {
    const lines = metricsCsv(metrics).trim().split('\n');
    expect(lines[0]).toBe('iteration,wall_s,kl_estimator,difficulty,reward/mean,loss/value,reward/accuracy/mean');
    expect(lines[1]).toBe('1,0.400,k3,1,0.5,,0.25');
    expect(lines[2]).toBe('2,0.900,k3,1,0.75,,');
    expect(safeFileName(run.name)).toBe('my-run-v1');
  });
});

describe('run files: the name limit is the config\'s, messages are sentences', () => {
  it('an imported run with a long name can be resumed under "Edit its config" (the page keeps the run name in the config)', () => {
    const name = 'n'.repeat(MAX_RUN_NAME_LENGTH);
    const file = parseRunFile(runFileJson({ ...run, name }, metrics));
    expect(file.run.name).toBe(name);
    // runsSlice.resumeRun sends { ...edited, name: run.name } to the worker, which parses it with RunConfigSchema.
    expect(RunConfigSchema.safeParse({ ...file.config, name: file.run.name }).success).toBe(true);
    expect(() => parseRunFile(runFileJson({ ...run, name: `${name}x` }, metrics))).toThrow(`Not a playground run file at run.name: Must be at most ${MAX_RUN_NAME_LENGTH} characters long.`);
  });

  it('an invalid config in a file is named in a sentence, never as zod JSON', () => {
    const bad = JSON.parse(runFileJson(run, metrics)) as { config: { sampling: { groupSize: number } } };
    bad.config.sampling.groupSize = 0;
    expect(() => parseRunFile(JSON.stringify(bad))).toThrow('Invalid config at config.sampling.groupSize: Must be at least 1. This app cannot build that model or run.');
  });

  it('withValue refuses a bad value with a sentence (the config panel, presets)', () => {
    expect(() => withValue(DEFAULT_RUN_CONFIG, 'sampling.groupSize', 0)).toThrow(/^Invalid config: sampling\.groupSize: Must be at least 1\./);
  });
});

describe('CSV export: no formula from an imported file runs in a spreadsheet (OWASP CSV injection)', () => {
  it('metric names starting =, +, -, @, tab or CR get a leading quote and are quoted; numbers stay numbers', () => {
    const names = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', 'plain,comma'];
    const imported = parseRunFile(JSON.stringify({ ...JSON.parse(runFileJson(run, metrics)), metrics: [{ iteration: 1, wallMs: 0, klEstimator: 'k3', difficulty: 1, values: Object.fromEntries(names.map((n, i) => [n, -i - 0.5])) }] }));
    const [header, row] = metricsCsv(imported.metrics).split('\n');
    const cell: Record<string, string> = {
      '=HYPERLINK("http://x","y")': `"'=HYPERLINK(""http://x"",""y"")"`,
      '+1+1': `"'+1+1"`,
      '-2+3': `"'-2+3"`,
      '@SUM(A1)': `"'@SUM(A1)"`,
      '\tcmd': `"'\tcmd"`,
      '\rcmd': `"'\rcmd"`,
      'plain,comma': '"plain,comma"',
    };
    const order = [...names].sort();
    expect(header).toBe(['iteration,wall_s,kl_estimator,difficulty', ...order.map((n) => cell[n])].join(','));
    // Every value is a plain number, a negative one included.
    expect(row).toBe(['1,0.000,k3,1', ...order.map((n) => String(-names.indexOf(n) - 0.5))].join(','));
    expect(csvCell('-')).toBe(`"'-"`);
    expect(csvCell('reward/mean')).toBe('reward/mean');
  });
});

describe('run files: keys that are not fields are refused, prototype keys at any depth', () => {
  const good = runFileJson(run, metrics);
  /** The file with `"key": {}` added (as JSON text, so "__proto__" is an own key, as JSON.parse makes it) in the object at `at`. */
  function withKey(at: string, key: string): string {
    const json = JSON.parse(good) as Record<string, unknown>;
    const marker = '"__MARKER__": 0';
    let o: Record<string, unknown> = json;
    for (const k of at.split('.').filter(Boolean)) o = o[k] as Record<string, unknown>;
    o.__MARKER__ = 0;
    return JSON.stringify(json).replace(marker.replace(' ', ''), `"${key}":{"polluted":1}`);
  }

  it.each(['__proto__', 'constructor', 'prototype'])('%s at every depth is refused with a sentence naming where', (key) => {
    for (const at of ['', 'run', 'config', 'config.sampling', 'config.rewards.weights', 'metrics.0', 'metrics.0.values']) {
      const text = withKey(at, key);
      expect(text).toContain(`"${key}":{"polluted":1}`);
      expect(() => parseRunFile(text), `${key} at ${at || 'top'}`).toThrow(`Not a playground run file: it has the key "${key}" at ${at ? `${at}.` : ''}${key}, which is no field of a run file.`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown key at the top or in run is refused; the config parses as everywhere', () => {
    expect(() => parseRunFile(withKey('', 'extra'))).toThrow('Not a playground run file: Unknown field "extra".');
    expect(() => parseRunFile(withKey('run', 'extra'))).toThrow('Not a playground run file at run: Unknown field "extra".');
  });
});
