import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../engine/config';
import type { MetricsRecord } from '../../engine/train/metrics';
import type { StoredRun } from '../../worker/client';
import { metricsCsv, parseRunFile, runFileJson, safeFileName } from './exportRun';

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

  it('refuses what is not a run file, saying where', () => {
    expect(() => parseRunFile('{')).toThrow(/Not JSON/);
    expect(() => parseRunFile('{"format":"x"}')).toThrow(/Not a playground run file at format/);
    const bad = JSON.parse(runFileJson(run, metrics)) as { config: { sampling: { groupSize: number } } };
    bad.config.sampling.groupSize = 0;
    expect(() => parseRunFile(JSON.stringify(bad))).toThrow(/config\.sampling\.groupSize/);
  });

  it('writes CSV with known keys first and blanks for missing values', () => {
    const lines = metricsCsv(metrics).trim().split('\n');
    expect(lines[0]).toBe('iteration,wall_s,kl_estimator,difficulty,reward/mean,loss/value,reward/accuracy/mean');
    expect(lines[1]).toBe('1,0.400,k3,1,0.5,,0.25');
    expect(lines[2]).toBe('2,0.900,k3,1,0.75,,');
    expect(safeFileName(run.name)).toBe('my-run-v1');
  });
});
