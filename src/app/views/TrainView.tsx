import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ChartGrid } from '../charts/ChartGrid';
import { ChartToolbar } from '../components/ChartToolbar';
import { ConfigPanel } from '../components/ConfigPanel';
import { Controls } from '../components/Controls';
import { RunRecovery } from '../components/RunRecovery';
import { RunsList } from '../components/RunsList';
import { LessonPanel } from '../components/learn/LessonPanel';
import { lessonById } from '../lessons';
import { referenceFor } from '../lessons/reference';
import { referenceRuns } from '../lessons/referenceRuns';
import { lessonOwnsRun } from '../lib/lessonRuns';
import { useApp } from '../store';

/** The default view: config on the left; controls, live charts and the runs list on the right. */
export function TrainView() {
  const { order, runs, lessonId, step } = useApp(useShallow((s) => ({ order: s.order, runs: s.runs, lessonId: s.lessonId, step: s.lessonStep })));
  const lesson = lessonById(lessonId);
  const [showOthers, setShowOthers] = useState(false);
  // A lesson charts its own runs; the others (an earlier lesson's, one that collapsed) are a click away.
  const shown = order.filter((id) => runs[id]?.visible);
  const own = lesson ? shown.filter((id) => lessonOwnsRun(lesson, runs[id]!.config)) : shown;
  const others = shown.length - own.length;
  const visibleKey = (showOthers ? shown : own).join(',');
  const visible = useMemo(() => (visibleKey ? visibleKey.split(',') : []), [visibleKey]);
  // The lesson's measured runs, drawn faint from its first second (the outcome at once).
  const reference = useMemo(() => (lesson ? referenceRuns(lesson.id, referenceFor(lesson.id)) : []), [lesson]);
  return (
    <div className="train-view">
      <aside className="sidebar">
        <ConfigPanel />
      </aside>
      <section className="workspace" data-highlight={lesson?.steps[step]?.highlight?.join(' ')}>
        <LessonPanel />
        <Controls />
        <RunRecovery />
        <ChartToolbar />
        {lesson && others > 0 && (
          <label className="show-other-runs" data-testid="show-other-runs">
            <input type="checkbox" checked={showOthers} onChange={(e) => setShowOthers(e.target.checked)} /> Show other runs ({others} not from this lesson)
          </label>
        )}
        {/* A lesson shows its own charts (and draws the eye to the ones its step names). */}
        <ChartGrid runIds={visible} syncId="train" {...(lesson ? { only: lesson.charts, reference } : {})} />
        <RunsList />
      </section>
    </div>
  );
}
