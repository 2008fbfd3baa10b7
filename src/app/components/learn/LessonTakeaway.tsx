import { useShallow } from 'zustand/react/shallow';
import type { Lesson } from '../../lessons';
import { armOfRun } from '../../lessons/armConfig';
import { fmtNum, fmtSpread, measureClaim, promiseBound, type RecordLike } from '../../lessons/promises';
import { referenceFor } from '../../lessons/reference';
import { lessonOwnsRun } from '../../lib/lessonRuns';
import { useApp } from '../../store';

/**
 * A lesson's takeaway, once one of its runs has finished: each claim's expected numbers (the
 * committed 3-seed measurement) beside the learner's own run's, measured by the same function,
 * and one sentence of what they mean. A claim that reads another arm waits for that arm's run.
 */
export function LessonTakeaway({ lesson }: { lesson: Lesson }) {
  const { runs, metrics, order } = useApp(useShallow((s) => ({ runs: s.runs, metrics: s.metrics, order: s.order })));
  const finished = order.filter((id) => runs[id]?.status === 'done' && lessonOwnsRun(lesson, runs[id].config));
  if (finished.length === 0) return null;
  if (!lesson.promise) {
    return (
      <section className="lesson-takeaway" data-testid="lesson-takeaway" aria-label="Takeaway">
        <h3>Takeaway</h3>
        <p>{lesson.noPromise ?? 'This lesson declares no measured promise yet.'}</p>
      </section>
    );
  }
  const promise = lesson.promise;
  // The newest finished run of each arm.
  const byArm: Record<string, readonly RecordLike[]> = {};
  for (const id of finished) {
    const arm = armOfRun(lesson, runs[id]!.config);
    if (arm) byArm[arm.id] = metrics[id] ?? [];
  }
  const ref = referenceFor(lesson.id);
  const label = (id: string) => promise.arms.find((a) => a.id === id)?.label ?? id;
  return (
    <section className="lesson-takeaway" data-testid="lesson-takeaway" aria-label="Takeaway">
      <h3>Takeaway</h3>
      <div className="table-scroll">
        <table className="takeaway-table">
          <thead>
            <tr>
              <th scope="col">Claim</th>
              <th scope="col">Promise</th>
              <th scope="col">Measured ({ref ? `mean and range, seeds ${ref.seeds.join(', ')}` : 'not measured yet'})</th>
              <th scope="col">Your run</th>
            </tr>
          </thead>
          <tbody>
            {promise.claims.map((claim) => {
              const r = ref?.claims[claim.id];
              const mine = measureClaim(claim, byArm);
              const missing = [claim.arm, ...('value' in claim.base ? [] : [claim.base.arm ?? claim.arm])].filter((a) => !byArm[a]);
              return (
                <tr key={claim.id} data-testid={`takeaway-${claim.id}`}>
                  <td>{claim.text}</td>
                  <td>
                    difference {promiseBound(claim)} (<code>{claim.metric}</code>, iterations {claim.at[0]}-{claim.at[1]})
                  </td>
                  <td data-testid="takeaway-expected">{r ? `${fmtSpread(r.diff)}${r.held ? '' : ' (did not hold on every seed)'}` : '–'}</td>
                  <td data-testid="takeaway-yours">
                    {mine && Number.isFinite(mine.diff)
                      ? `${fmtNum(mine.diff)} ${mine.held ? '(holds)' : '(does not hold on your run)'}`
                      : missing.length > 0
                        ? `run ${missing.map(label).join(' and ')} to see it`
                        : 'your run is shorter than the claim\'s iterations'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="takeaway-meaning" data-testid="takeaway-meaning">
        {promise.meaning}
      </p>
    </section>
  );
}
