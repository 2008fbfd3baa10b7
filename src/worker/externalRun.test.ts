/**
 * An import's step before the run file parser: other trainers' logs (fixtures in
 * test/fixtures/external, cited there) become run files the app's own parser accepts, marked
 * read-only with their source; a broken one is one sentence and nothing to store. The parsers
 * themselves: test/external-runs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import TRL from '../../test/fixtures/external/trainer_state.json?raw';
import VERL from '../../test/fixtures/external/experiment_log.jsonl?raw';
import WANDB from '../../test/fixtures/external/wandb_export.csv?raw';
import { parseRunFile } from './runFile';
import { externalRunToRunFile, importText } from './externalRun';
import { parseVerlJsonl } from '../engine/export/external';

describe('importText', () => {
  it('turns each fixture into a run file the app\'s own import accepts: done, marked with its source', () => {
    for (const [text, name, format] of [[TRL, 'trainer_state.json', 'trl'], [VERL, 'experiment_log.jsonl', 'verl'], [WANDB, 'wandb.csv', 'wandb']] as const) {
      const r = importText(text, name);
      if ('error' in r) throw new Error(r.error);
      expect(r.note).toMatch(/metrics mapped onto the playground's, \d+ kept under their own names/);
      const file = parseRunFile(r.text);
      expect(file.run.status).toBe('done');
      expect(file.run.source).toEqual({ format, file: name });
      expect(file.metrics).toHaveLength(4);
      expect(file.run.iteration).toBe(4);
    }
  });

  it('refuses a broken or oversized file in one sentence naming the format; passes anything else through', () => {
    expect(importText(TRL.slice(0, 100), 'trainer_state.json')).toEqual({ error: 'TRL trainer_state.json: Truncated file: the trainer_state.json stops before its JSON ends.' });
    expect(importText(VERL, 'experiment_log.jsonl', 200 * 1024 * 1024)).toEqual({ error: 'veRL / EasyR1 metrics JSONL: File too large: 200.0 MB (at most 64.0 MB).' });
    expect(importText('{"format": "rft-playground/run"}', 'run.json')).toEqual({ text: '{"format": "rft-playground/run"}' });
  });

  it('externalRunToRunFile: budget and wall time from the last step, a GRPO placeholder config', () => {
    const file = externalRunToRunFile(parseVerlJsonl(VERL), 'experiment_log.jsonl', 5);
    expect(file.run).toMatchObject({ name: 'veRL: experiment_log', status: 'done', createdAt: 5, iteration: 4, wallMs: 37400 });
    expect(file.config.run.iterations).toBe(4);
    expect(file.config.objective.algorithm).toBe('grpo');
  });
});
