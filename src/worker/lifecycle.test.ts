import { describe, expect, it } from 'vitest';
import { can, COMMANDS, enforce, next, refusal, RUN_STATUSES, settled, TRANSITIONS } from './lifecycle';

describe('the run lifecycle table', () => {
  it('has a row for every status, and only known commands', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...RUN_STATUSES].sort());
    for (const row of Object.values(TRANSITIONS)) for (const c of Object.keys(row)) expect(COMMANDS).toContain(c);
  });

  it('allows what the buttons offer and refuses the rest', () => {
    expect(can('ready', 'start')).toBe(true);
    expect(can('paused', 'start')).toBe(true);
    expect(can('running', 'start')).toBe(false);
    expect(can('running', 'pause')).toBe(true);
    expect(can('paused', 'pause')).toBe(false);
    expect(can('running', 'reset')).toBe(false);
    expect(can('done', 'reset')).toBe(true);
    expect(can('loading', 'stop')).toBe(false);
    expect(can('interrupted', 'resume')).toBe(true);
    expect(can('running', 'resume')).toBe(false);
    expect(can(undefined, 'start')).toBe(false);
    expect(next('running', 'stop')).toBe('stopping');
    expect(next('done', 'start')).toBeNull();
  });

  it('refuses with a sentence that says where the command is allowed', () => {
    expect(refusal('running', 'reset')).toBe("Cannot reset a run that is 'running': reset is allowed only when it is 'ready', 'paused', 'done', 'stopped', 'error', 'interrupted'.");
    expect(() => enforce('done', 'pause')).toThrow("Cannot pause a run that is 'done'");
    expect(() => enforce('paused', 'step')).not.toThrow();
  });

  it('reads a live status no worker holds as interrupted', () => {
    expect(settled('running', false)).toBe('interrupted');
    expect(settled('running', true)).toBe('running');
    expect(settled('done', false)).toBe('done');
  });

  it('refuses to resume an imported run with no checkpoint (it would be erased) and offers continue', () => {
    const imported = { imported: true };
    expect(can('stopped', 'resume', imported)).toBe(false);
    expect(can('interrupted', 'resume', imported)).toBe(false);
    expect(can('stopped', 'continue', imported)).toBe(true);
    expect(can('stopped', 'resume', { imported: true, checkpointIteration: 4 })).toBe(true); // trained here since
    expect(can('stopped', 'resume', {})).toBe(true);
    expect(can('running', 'continue')).toBe(false);
    expect(() => enforce('stopped', 'resume', imported)).toThrow('Cannot resume an imported run: it has no checkpoint');
  });
});
