import { useMemo } from 'react';
import { parseResponse } from '../../../engine/rewards';
import { DIRECTIONS, FRAMES, framesOf, tileSize, type Direction } from '../../../engine/tasks/motion';
import type { GroupView } from '../../lib/inspect';
import { PixelImage } from './PixelImage';

/** How many of the group's responses gave each answer ("(none)": no answer could be read), most first. */
export function answerTally(group: GroupView): { answer: string; count: number; gold: boolean }[] {
  const counts = new Map<string, number>();
  for (const { sample } of group.samples) {
    const answer = parseResponse(sample.tokens).answer ?? '(none)';
    counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  return [...counts].map(([answer, count]) => ({ answer, count, gold: answer === group.prompt.answer })).sort((a, b) => b.count - a.count || a.answer.localeCompare(b.answer));
}

const STEP: Readonly<Record<Direction, readonly [number, number]>> = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] };
const isDirection = (w: string): w is Direction => (DIRECTIONS as readonly string[]).includes(w);

/**
 * The motion task's prompt in Inspect: its 2 x 2 tiled image un-tiled into a strip of the four
 * frames in order, and the group's answers drawn beside it: one arrow per direction the
 * responses named (thicker for more of them; the gold one solid, the others dashed), and every
 * answer with its count.
 */
export function MotionFrames({ group }: { group: GroupView }) {
  const p = group.prompt;
  const frames = useMemo(() => framesOf(p.image, p.imageSize), [p.image, p.imageSize]);
  const t = tileSize(p.imageSize);
  const scale = Math.max(2, Math.round(80 / t));
  const tally = answerTally(group);
  const n = group.samples.length;
  return (
    <figure className="motion-frames" data-testid="motion-frames">
      <div className="motion-strip">
        {frames.map((f, k) => (
          <div key={k} className="motion-frame" data-testid="motion-frame">
            <PixelImage image={f} size={t} scale={scale} label={`frame ${k + 1} of ${FRAMES}`} />
            <span aria-hidden="true">{k + 1}</span>
          </div>
        ))}
        <svg className="motion-arrows" viewBox="-1.2 -1.2 2.4 2.4" width={t * scale * 0.8} height={t * scale * 0.8} role="img" aria-label="The directions the responses answered, as arrows">
          <circle cx={0} cy={0} r={0.06} />
          {tally
            .filter((a) => isDirection(a.answer))
            .map((a) => {
              const [dx, dy] = STEP[a.answer as Direction];
              return (
                <g key={a.answer} className={a.gold ? 'gold' : 'wrong'} data-testid="motion-answer-arrow" data-answer={a.answer} data-count={a.count}>
                  <line x1={0} y1={0} x2={dx * 0.85} y2={dy * 0.85} strokeWidth={0.06 + (0.18 * a.count) / Math.max(1, n)} strokeDasharray={a.gold ? undefined : '0.12 0.08'} />
                  <polygon points={`${dx * 1.1},${dy * 1.1} ${dx * 0.75 - dy * 0.18},${dy * 0.75 - dx * 0.18} ${dx * 0.75 + dy * 0.18},${dy * 0.75 + dx * 0.18}`} />
                  <title>{`${a.answer}: ${a.count} of ${n} responses${a.gold ? ' (the gold answer)' : ''}`}</title>
                </g>
              );
            })}
        </svg>
      </div>
      <figcaption data-testid="motion-answers">
        frames 1-{FRAMES}, in order (the model sees them tiled 2 × 2) · answers:{' '}
        {tally.map((a, i) => (
          <span key={a.answer} className={a.gold ? 'gold-answer' : undefined}>
            {i > 0 && ', '}
            <code>{a.answer}</code> ×{a.count}
            {a.gold && ' (gold)'}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
