import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../engine/config';
import { configChanges, resumeBlocker } from './resumeConfig';

const edit = (f: (c: RunConfig) => void): RunConfig => {
  const c = structuredClone(DEFAULT_RUN_CONFIG);
  f(c);
  return c;
};

describe('configChanges', () => {
  it('lists the fields that differ, as text, and ignores the name', () => {
    expect(configChanges(DEFAULT_RUN_CONFIG, edit((c) => (c.name = 'other')))).toEqual([]);
    const next = edit((c) => {
      c.optim.lr = 1e-5;
      c.run.iterations = 500;
    });
    expect(configChanges(DEFAULT_RUN_CONFIG, next)).toEqual([
      { path: 'optim.lr', from: '0.0001', to: '0.00001' },
      { path: 'run.iterations', from: '200', to: '500' },
    ]);
  });
});

describe('resumeBlocker', () => {
  it('allows any change but the model, and says how to undo a model change', () => {
    expect(resumeBlocker(DEFAULT_RUN_CONFIG, edit((c) => (c.optim.lr = 1e3)), 10)).toBeNull();
    expect(resumeBlocker(DEFAULT_RUN_CONFIG, edit((c) => (c.model.dModel = 32)), 10)).toBe("The checkpoint's weights fit only its own model: put model.dModel back to 64.");
  });

  it('needs iterations left after the checkpoint', () => {
    expect(resumeBlocker(DEFAULT_RUN_CONFIG, DEFAULT_RUN_CONFIG, 199)).toBeNull();
    expect(resumeBlocker(DEFAULT_RUN_CONFIG, DEFAULT_RUN_CONFIG, 200)).toBe('Nothing left to run: raise run.iterations above 200 to continue.');
  });
});
