/**
 * The click task in Inspect: every sampled click of the group drawn on the screen over the
 * target's box, green inside it (a hit: the accuracy reward pays 1), red outside, hollow where
 * the answer is no click on the screen (counted in the caption, not drawn).
 */
import { answerWords } from '../../../engine/tokenizer';
import { parseResponse } from '../../../engine/rewards';
import { CLICK_GRID, insideBox, parseClick, targetBox, type ClickBox } from '../../../engine/tasks/click';
import type { TaskId } from '../../../engine/tasks/types';
import type { InspectPrompt, InspectSample } from '../../../engine/train/types';

export interface ClickMark {
  /** Index of the sample in the batch. */
  sample: number;
  x: number;
  y: number;
  hit: boolean;
}

export interface ClickMarks {
  box: ClickBox;
  marks: ClickMark[];
  /** Samples whose answer is no click on the screen (no answer, wrong action, off the screen). */
  unparsed: number;
}

/** The target's box and each sample's click, in screen units (0..15); null without a gold trace (a batch stored before it was kept). */
export function clickMarks(prompt: Pick<InspectPrompt, 'goldTrace'>, samples: readonly { index: number; sample: Pick<InspectSample, 'tokens'> }[]): ClickMarks | null {
  if (!prompt.goldTrace) return null;
  const box = targetBox({ goldTrace: prompt.goldTrace });
  const marks: ClickMark[] = [];
  let unparsed = 0;
  for (const { index, sample } of samples) {
    const answer = parseResponse(sample.tokens, 3).answer;
    const p = answer === null ? null : parseClick(answerWords(answer));
    if (p?.ok) marks.push({ sample: index, x: p.x, y: p.y, hit: insideBox(box, p.x, p.y) });
    else unparsed++;
  }
  return { box, marks, unparsed };
}

interface Props {
  task: TaskId;
  prompt: InspectPrompt;
  samples: readonly { index: number; sample: InspectSample }[];
  /** CSS pixels of the drawn image's side. */
  px: number;
}

/** An SVG over the prompt image (PixelImage's children): the box and the group's clicks; nothing for other tasks. */
export function ClickOverlay({ task, prompt, samples, px }: Props) {
  if (task !== 'click') return null;
  const m = clickMarks(prompt, samples);
  if (!m) return null;
  const hits = m.marks.filter((k) => k.hit).length;
  const { box } = m;
  return (
    <svg className="click-overlay" viewBox={`0 0 ${CLICK_GRID} ${CLICK_GRID}`} width={px} height={px} data-testid="click-overlay" data-hits={hits} data-clicks={m.marks.length} data-unparsed={m.unparsed}>
      <title>{`${hits} of ${samples.length} sampled clicks inside the target's box (columns ${box.x0}-${box.x1}, rows ${box.y0}-${box.y1})${m.unparsed > 0 ? `; ${m.unparsed} answered no click on the screen` : ''}`}</title>
      <rect className="click-box" x={box.x0} y={box.y0} width={box.x1 - box.x0 + 1} height={box.y1 - box.y0 + 1} data-testid="click-box" />
      {m.marks.map((k) => (
        <circle key={k.sample} className={k.hit ? 'click-mark hit' : 'click-mark miss'} cx={k.x + 0.5} cy={k.y + 0.5} r={0.45} data-testid="click-mark" data-hit={k.hit}>
          <title>{`response ${k.sample + 1}: click ${k.x} ${k.y}, ${k.hit ? 'inside the box (right)' : 'outside the box (wrong)'}`}</title>
        </circle>
      ))}
    </svg>
  );
}

/** One line under the question: how many of the group's clicks hit, and what SFT's gold click is. */
export function ClickSummary({ task, prompt, samples }: Omit<Props, 'px'>) {
  if (task !== 'click') return null;
  const m = clickMarks(prompt, samples);
  if (!m) return null;
  const hits = m.marks.filter((k) => k.hit).length;
  const spots = new Set(m.marks.filter((k) => k.hit).map((k) => `${k.x} ${k.y}`)).size;
  return (
    <p data-testid="click-summary">
      {hits} of {samples.length} clicks inside the target's box (dashed: columns {m.box.x0}-{m.box.x1}, rows {m.box.y0}-{m.box.y1}), at {spots} different point{spots === 1 ? '' : 's'}; any point in the box is right, the gold answer is its centre.
      {m.unparsed > 0 && ` ${m.unparsed} answered no click on the screen.`}
    </p>
  );
}
