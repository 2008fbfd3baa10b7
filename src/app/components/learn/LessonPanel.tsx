import { useShallow } from 'zustand/react/shallow';
import { lessonById, type LessonAction } from '../../lessons';
import { presetTitle } from '../../lib/presets';
import { useApp } from '../../store';
import { LessonTakeaway } from './LessonTakeaway';
import { Quiz } from './Quiz';

function actionLabel(a: LessonAction): string {
  switch (a.kind) {
    case 'start':
      return 'Start the run';
    case 'view':
      return `Open ${a.view[0]!.toUpperCase()}${a.view.slice(1)}`;
    case 'explainer':
      return 'Open the explainer';
    case 'set':
    case 'preset':
    case 'compare':
      return a.label;
  }
}

/** The lesson in progress: its steps one at a time, each with the thing to do next. */
export function LessonPanel() {
  const s = useApp(
    useShallow((st) => ({
      lessonId: st.lessonId,
      step: st.lessonStep,
      showAll: st.showAllControls,
      preset: st.preset,
      setStep: st.setLessonStep,
      setShowAll: st.setShowAllControls,
      exit: st.exitLesson,
      act: st.runLessonAction,
    })),
  );
  const lesson = lessonById(s.lessonId);
  if (!lesson) return null;
  const step = lesson.steps[s.step]!;
  const n = lesson.steps.length;
  return (
    <section className="lesson-panel" aria-labelledby="lesson-title" data-testid="lesson-panel" data-lesson={lesson.id} data-preset={s.preset} data-step={s.step}>
      <header>
        <h2 id="lesson-title">
          <span className="muted">Lesson · </span>
          {lesson.title}
        </h2>
        <span className="muted">
          {presetTitle(lesson.preset)} · step {s.step + 1} of {n}
        </span>
        <button type="button" className="link" data-testid="lesson-exit" onClick={s.exit}>
          Leave the lesson
        </button>
      </header>
      <p className="lesson-text" data-testid="lesson-step-text" aria-live="polite">
        {step.text}
      </p>
      <div className="buttons">
        <button type="button" data-testid="lesson-prev" disabled={s.step === 0} onClick={() => s.setStep(s.step - 1)}>
          Back
        </button>
        {step.action && (
          <button type="button" className="primary" data-testid="lesson-action" onClick={() => s.act(step.action!)}>
            {actionLabel(step.action)}
          </button>
        )}
        <button type="button" data-testid="lesson-next" disabled={s.step === n - 1} onClick={() => s.setStep(s.step + 1)}>
          Next
        </button>
        <label className="show-all">
          <input type="checkbox" data-testid="lesson-show-all" checked={s.showAll} onChange={(e) => s.setShowAll(e.target.checked)} /> show every control
        </label>
      </div>
      <LessonTakeaway lesson={lesson} />
      {/* The questions close the lesson: at its last step. */}
      {s.step === n - 1 && <Quiz key={lesson.id} topic={lesson.id} />}
    </section>
  );
}
