import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { LEARN_TOPICS } from '../../lessons';
import { buildWalk, fromInspectBatch, nextStep, prevStep, recordFor, walkable, workedExample } from '../../lib/iterationWalk';
import { useApp } from '../../store';
import { PixelImage } from '../inspect/PixelImage';
import { Formula } from './Formula';
import { useRunContext } from './useRunContext';

/** How long Play shows each step. */
const STEP_MS = 4500;
/** Thumbnails of the batch's prompts in the first step (B can be 256). */
const MAX_THUMBS = 32;

/**
 * One iteration of the live run, step by step (prompts to the new metrics point), from its
 * newest Inspect batch or a worked example. The steps and their numbers come from
 * lib/iterationWalk.ts; this component only shows them and moves between them.
 */
export function IterationWalk() {
  const ctx = useRunContext();
  const openTopic = useApp((s) => s.openTopic);
  const records = useApp((s) => (ctx.runId ? s.metrics[ctx.runId] : undefined));
  // Only fromInspectBatch reads the InspectBatch (its internals are being reshaped elsewhere).
  const latest = useMemo(() => {
    const b = ctx.batch ? fromInspectBatch(ctx.batch) : null;
    return walkable(b) ? b : null;
  }, [ctx.batch]);
  // The walk holds on to the batch it opened with: a live run would otherwise change it under the reader every iteration.
  const [pinned, setPinned] = useState(latest);
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(false);
  const helpId = useId();
  const titleId = useId();

  const walk = useMemo(() => {
    const batch = pinned ?? workedExample(ctx.config);
    return buildWalk(batch, ctx.config, pinned ? recordFor(records, pinned.iteration) : null, pinned ? 'run' : 'example');
  }, [pinned, ctx.config, records]);
  const count = walk.steps.length;
  const step = walk.steps[Math.min(index, count - 1)]!;
  const last = index >= count - 1;

  useEffect(() => {
    if (!playing) return;
    if (last) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setIndex((i) => nextStep(i, count)), STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, last, index, count]);

  const go = (i: number) => setIndex(Math.max(0, Math.min(count - 1, i)));
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === 'ArrowRight') go(nextStep(index, count));
    else if (e.key === 'ArrowLeft') go(prevStep(index));
    else return;
    e.preventDefault();
  };
  const togglePlay = () => {
    if (last && !playing) go(0); // Replay from the start
    setPlaying(!playing);
  };
  const topicTitle = LEARN_TOPICS.find((t) => t.id === step.topic)?.title ?? step.topic;
  const newer = latest && latest.iteration !== pinned?.iteration ? latest : null;

  return (
    <section className="explainer walk" aria-labelledby={titleId} data-testid="explainer-iteration" onKeyDown={onKeyDown}>
      <h3 id={titleId}>One iteration, step by step</h3>
      <p data-testid="walk-source" data-source={walk.source}>
        {walk.source === 'run'
          ? `Iteration ${walk.iteration} of ${ctx.runName ?? 'the active run'}: its newest stored rollout batch, as the trainer kept it for Inspect.`
          : 'A worked example: one prompt of this config\'s task with made-up responses, their numbers computed the way this config says. Start a run and the walk follows its newest iteration.'}
      </p>
      {newer && (
        <p className="callout">
          {pinned ? 'The run has moved on to' : 'The run now has'} iteration {newer.iteration}.{' '}
          <button type="button" onClick={() => { setPinned(newer); setPlaying(false); }}>
            Walk through iteration {newer.iteration}
          </button>
        </p>
      )}
      <nav aria-label="Steps of the iteration">
        <ol className="walk-steps">
          {walk.steps.map((s, i) => (
            <li key={s.id}>
              <button type="button" className="link" aria-current={i === index ? 'step' : undefined} data-testid={`walk-goto-${s.id}`} onClick={() => go(i)}>
                {i + 1}. {s.title}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <div className="walk-controls" role="group" aria-label="Walk controls" aria-describedby={helpId}>
        <button type="button" data-testid="walk-prev" disabled={index === 0} onClick={() => go(prevStep(index))}>
          Previous
        </button>
        <button type="button" data-testid="walk-play" aria-pressed={playing} onClick={togglePlay}>
          {playing ? 'Pause' : last ? 'Replay' : 'Play'}
        </button>
        <button type="button" data-testid="walk-next" disabled={last} onClick={() => go(nextStep(index, count))}>
          Next
        </button>
        <progress max={count} value={index + 1} aria-hidden="true" />
        <span data-testid="walk-position" aria-live="polite">
          Step {index + 1} of {count}: {step.title}
        </span>
      </div>
      <p id={helpId} className="field-help">
        Previous and Next (or the ← → keys anywhere in this panel) move one step; Play advances every {STEP_MS / 1000} s and Pause stops it. Each step links to the
        explainer that goes deeper.
      </p>
      <article key={step.id} className="walk-step" data-testid="walk-step" data-step={step.id} data-index={index} aria-labelledby={`${helpId}-title`}>
        <h4 id={`${helpId}-title`}>
          {index + 1}. {step.title}
        </h4>
        <p>{step.text}</p>
        {step.id === 'prompt' && (
          <div className="walk-prompts">
            <PixelImage image={walk.prompt.image} size={walk.prompt.imageSize} scale={5} label={`The image of prompt ${walk.promptIndex + 1}, the one followed`} testId="walk-image" />
            {walk.prompts.length > 1 && (
              <ul className="walk-thumbs" aria-label={`All ${walk.prompts.length} prompts of the batch`}>
                {walk.prompts.slice(0, MAX_THUMBS).map((p, i) => (
                  <li key={i} className={i === walk.promptIndex ? 'walk-followed' : undefined}>
                    <PixelImage image={p.image} size={p.imageSize} scale={2} label={`Prompt ${i + 1}${i === walk.promptIndex ? ' (followed)' : ''}: answer ${p.answer}`} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {step.tex && <Formula tex={step.tex} label={`${step.title}, with this batch's numbers`} />}
        {step.facts && (
          <dl className="walk-facts">
            {step.facts.map((f) => (
              <div key={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        )}
        {step.table && (
          <div className="walk-table">
            <table>
              <caption>{step.table.caption}</caption>
              <thead>
                <tr>
                  {step.table.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {step.table.rows.map((row, r) => (
                  <tr key={r} className={r === step.table?.focusRow ? 'walk-focus' : undefined} aria-current={r === step.table?.focusRow ? 'true' : undefined}>
                    {row.map((cell, c) => (c === 0 ? <th key={c} scope="row">{cell}</th> : <td key={c}>{cell}</td>))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p>
          <button type="button" className="link" data-testid="walk-topic-link" onClick={() => openTopic(step.topic)}>
            Go deeper: {topicTitle}
          </button>
        </p>
      </article>
    </section>
  );
}
