import type { MetricsRecord } from '../../engine/train/metrics';
import type { ChartRun } from '../charts/drawTurns';
import type { ReferenceLesson } from './promises';

/**
 * A lesson's committed measurements as chart runs: one per arm, its curves (the mean over the
 * check's seeds) as records by iteration. They carry no wall time, so they are drawn on the
 * iteration axis only.
 */
export function referenceRuns(lessonId: string, ref: ReferenceLesson | undefined): ChartRun[] {
  if (!ref) return [];
  const seeds = ref.seeds.length === 1 ? `seed ${ref.seeds[0]}` : `mean of seeds ${ref.seeds.join(', ')}`;
  return Object.entries(ref.arms).map(([armId, arm]) => {
    const byIter = new Map<number, Record<string, number>>();
    for (const [key, points] of Object.entries(arm.series)) {
      for (const [it, v] of points) {
        const values = byIter.get(it) ?? {};
        values[key] = v;
        byIter.set(it, values);
      }
    }
    const records: MetricsRecord[] = [...byIter.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([iteration, values]) => ({ iteration, wallMs: 0, klEstimator: 'k3', difficulty: 1, values }));
    return { id: `reference:${lessonId}:${armId}`, name: `measured run: ${arm.label} (${seeds})`, color: '#7b8494', records, reference: true };
  });
}
