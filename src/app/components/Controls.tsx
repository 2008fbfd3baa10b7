import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { can, isLive } from '../../worker/client';
import { useApp } from '../store';
import { Progress } from './Progress';

const SHORTCUTS = { start: ' ', step: '.', stop: 'x', reset: 'R' } as const;

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'SUMMARY'].includes(target.tagName);
}

/** Start / Pause / Step / Stop / Reset for the active run, with keyboard shortcuts. */
export function Controls() {
  const s = useApp(
    useShallow((st) => ({
      active: st.activeRunId ? st.runs[st.activeRunId] : undefined,
      valid: st.config !== null,
      workerReady: st.workerState === 'ready',
      starting: st.starting,
      startActive: st.startActive,
      pauseActive: st.pauseActive,
      stepActive: st.stepActive,
      stopActive: st.stopActive,
      resetActive: st.resetActive,
      evaluateActive: st.evaluateActive,
    })),
  );
  // What each button may do comes from the lifecycle's table (worker/lifecycle.ts), which the
  // worker enforces too. Start and Step on a run that is not live make a new run from the panel.
  const status = s.active?.status;
  const fresh = status === undefined || !isLive(status);
  const resumable = can(status, 'start');
  // Disabled from the first press until its new run exists: a double click makes one run.
  const canStart = s.workerReady && !s.starting && (resumable || fresh);
  const canStep = s.workerReady && !s.starting && (can(status, 'step') || fresh);
  const startRefused = !resumable && !s.valid;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      const st = useApp.getState();
      const cur = st.activeRunId ? st.runs[st.activeRunId]?.status : undefined;
      if (e.key === SHORTCUTS.start) {
        e.preventDefault();
        void (cur === 'running' ? st.pauseActive() : st.startActive());
      } else if (e.key === SHORTCUTS.step) void st.stepActive();
      else if (e.key === SHORTCUTS.stop) void st.stopActive();
      else if (e.key === SHORTCUTS.reset && e.shiftKey) void st.resetActive();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="controls" role="toolbar" aria-label="Run controls">
      <div className="buttons">
        <button
          type="button"
          className="primary"
          data-testid="btn-start"
          aria-keyshortcuts="Space"
          title={startRefused ? 'Fix the invalid fields first' : 'Start (Space)'}
          aria-disabled={!canStart || startRefused}
          disabled={!canStart}
          onClick={() => void s.startActive()}
        >
          {resumable ? 'Resume' : 'Start'}
        </button>
        <button type="button" data-testid="btn-pause" aria-keyshortcuts="Space" title="Pause after this iteration (Space)" disabled={!can(status, 'pause')} onClick={() => void s.pauseActive()}>
          Pause
        </button>
        <button type="button" data-testid="btn-step" aria-keyshortcuts="." title="One iteration (.)" disabled={!canStep} onClick={() => void s.stepActive()}>
          Step
        </button>
        <button
          type="button"
          data-testid="btn-stop"
          aria-keyshortcuts="X"
          title={status === 'stopping' ? 'Stop now: kill the worker (X)' : 'Stop the run (X)'}
          disabled={!can(status, 'stop')}
          onClick={() => void s.stopActive()}
        >
          {status === 'stopping' ? 'Stop now' : 'Stop'}
        </button>
        <button type="button" data-testid="btn-reset" aria-keyshortcuts="Shift+R" title="Back to iteration 0 (Shift+R)" disabled={!s.workerReady || !can(status, 'reset')} onClick={() => void s.resetActive()}>
          Reset
        </button>
        <button type="button" data-testid="btn-evaluate" title="Held-out ID and OOD accuracy now" disabled={!can(status, 'evaluate')} onClick={() => void s.evaluateActive()}>
          Evaluate
        </button>
        <span className="shortcut-hint">Space start/pause · . step · X stop · Shift+R reset</span>
      </div>
      <Progress />
    </div>
  );
}
