/**
 * locate's drawing in the Inspect view: every sampled box of the group over the gold box (the
 * gold one dashed and thick), each numbered and listed with its IoU, or the reason it is no box.
 */
import { parseResponse } from '../../../engine/rewards';
import { GRID, iou, parseBox, type Box } from '../../../engine/tasks/box';
import { fmt } from '../../lib/format';
import type { GroupView } from '../../lib/inspect';
import { PixelImage } from './PixelImage';

export interface SampledBox {
  /** 1-based response number in the group. */
  n: number;
  /** The words inside <answer> … </answer>, or null when there are none. */
  said: string | null;
  box: Box | null;
  /** Why it is no box (malformed), when box is null. */
  reason: string | null;
  iou: number;
}

/** Each response's box and its IoU with the gold box; a malformed one has its parse reason and IoU 0. */
export function sampledBoxes(group: GroupView): { gold: Box | null; boxes: SampledBox[] } {
  const goldParse = parseBox(group.prompt.answer.split(' '));
  const gold = goldParse.ok ? goldParse.box : null;
  const boxes = group.samples.map(({ sample }, j) => {
    const said = parseResponse(sample.tokens, 4).answer;
    const p = said === null ? null : parseBox(said.split(' '));
    const box = p?.ok ? p.box : null;
    const reason = said === null ? 'no answer between <answer> and </answer>' : p && !p.ok ? p.reason : null;
    return { n: j + 1, said, box, reason, iou: box && gold ? iou(box, gold) : 0 };
  });
  return { gold, boxes };
}

/** Distinct hues for the sampled boxes (the gold box is black and dashed). */
const HUES = ['#d81b60', '#1e88e5', '#43a047', '#fb8c00', '#8e24aa', '#00897b', '#f4511e', '#3949ab'];
const hue = (n: number): string => HUES[(n - 1) % HUES.length]!;
const SCALE = 8;

export function LocateBoxes({ group }: { group: GroupView }) {
  const { gold, boxes } = sampledBoxes(group);
  const size = group.prompt.imageSize;
  const px = size * SCALE;
  const drawn = boxes.filter((b) => b.box !== null);
  return (
    <section className="locate-boxes" data-testid="locate-boxes" data-drawn={drawn.length} aria-label="Sampled boxes over the gold box" style={{ display: 'flex', gap: '1rem', alignItems: 'flex-start' }}>
      <div style={{ position: 'relative', width: px, height: px }}>
        <PixelImage image={group.prompt.image} size={size} scale={SCALE} label="the prompt image with every sampled box and the gold box" />
        <svg viewBox={`0 0 ${GRID} ${GRID}`} width={px} height={px} style={{ position: 'absolute', inset: 0 }} aria-hidden="true">
          {drawn.map((b) => (
            <g key={b.n} data-testid="locate-box" data-iou={b.iou}>
              <rect x={b.box!.x + 0.06} y={b.box!.y + 0.06} width={b.box!.w - 0.12} height={b.box!.h - 0.12} fill="none" stroke={hue(b.n)} strokeWidth={0.08} />
              <text x={b.box!.x + 0.12} y={b.box!.y + 0.5} fontSize={0.42} fill={hue(b.n)}>
                {b.n}
              </text>
            </g>
          ))}
          {gold && <rect data-testid="locate-gold" x={gold.x} y={gold.y} width={gold.w} height={gold.h} fill="none" stroke="#000" strokeWidth={0.14} strokeDasharray="0.3 0.18" />}
        </svg>
      </div>
      <div>
        <p className="muted" style={{ margin: '0 0 0.35rem' }}>
          Gold box (dashed) <code>{group.prompt.answer}</code> on the {GRID} x {GRID} grid; IoU = shared cells / cells in either box.
        </p>
        <ol style={{ margin: 0, paddingLeft: '1.4rem' }}>
          {boxes.map((b) => (
            <li key={b.n} style={{ color: b.box ? hue(b.n) : undefined }} data-testid="locate-box-row">
              <code>{b.said ?? '—'}</code> {b.box ? <>IoU {fmt(b.iou, 3)}</> : <span className="muted">no box: {b.reason}</span>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
