import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { TASKS } from '../../../engine/tasks';
import type { TaskId } from '../../../engine/tasks/types';
import { decode, isKnownWord } from '../../../engine/tokenizer';
import { isLive } from '../../../worker/client';
import { PEN_COLORS, blankImage, paint, resample, unknownWordsSentence, type Resampling } from '../../lib/ownImage';
import { useApp } from '../../store';
import { AttentionWeights } from './AttentionWeights';

const VIEW_PX = 256;

/** A few of the task's own questions, as suggestions (the grammar the model was trained on). */
function exampleQuestions(task: TaskId, imageSize: number): string[] {
  const seen = new Set<string>();
  for (let seed = 1; seed < 60 && seen.size < 12; seed += 2) {
    const inst = TASKS[task].generate({ seed, split: 'id', difficulty: 1 + (seed % TASKS[task].levels), imageSize, jitter: 0.5 });
    seen.add(decode(inst.promptTokens.slice(1)));
  }
  return [...seen];
}

function draw(canvas: HTMLCanvasElement | null, img: Float32Array, size: number, cursor: { x: number; y: number } | null): void {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return;
  const data = ctx.createImageData(size, size);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) data.data[p * 4 + c] = Math.round(img[p * 3 + c]! * 255);
    data.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  if (cursor) {
    ctx.strokeStyle = 'rgba(0,0,0,0.8)';
    ctx.lineWidth = 0.15;
    ctx.strokeRect(cursor.x + 0.05, cursor.y + 0.05, 0.9, 0.9);
  }
}

/** Read an uploaded picture and resample it to size x size, in the page (no network). */
async function loadFile(file: File, size: number, mode: Resampling): Promise<Float32Array> {
  const bmp = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = bmp.width;
  canvas.height = bmp.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot read the picture (no 2D canvas).');
  ctx.drawImage(bmp, 0, 0);
  const { data } = ctx.getImageData(0, 0, bmp.width, bmp.height);
  bmp.close();
  return resample(data, canvas.width, canvas.height, size, mode);
}

function DrawingCanvas({ size, img, onChange, overlay }: { size: number; img: Float32Array; onChange: () => void; overlay?: ReactNode }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [color, setColor] = useState(0);
  const [pen, setPen] = useState(2);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  const ids = { pen: useId(), help: useId() };
  const [, redraw] = useState(0);
  useEffect(() => draw(ref.current, img, size, cursor));
  const at = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: Math.floor(((e.clientX - r.left) / r.width) * size), y: Math.floor(((e.clientY - r.top) / r.height) * size) };
  };
  const stroke = (x: number, y: number) => {
    paint(img, size, x, y, pen, PEN_COLORS[color]!.rgb);
    redraw((n) => n + 1);
    onChange();
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const c = cursor ?? { x: Math.floor(size / 2), y: Math.floor(size / 2) };
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      const next = { x: Math.min(size - 1, Math.max(0, c.x + m[0])), y: Math.min(size - 1, Math.max(0, c.y + m[1])) };
      setCursor(next);
      if (e.shiftKey) stroke(next.x, next.y);
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      setCursor(c);
      stroke(c.x, c.y);
    }
  };
  return (
    <div className="own-canvas">
      <div style={{ position: 'relative', width: VIEW_PX, height: VIEW_PX }}>
      <canvas
        ref={ref}
        width={size}
        height={size}
        tabIndex={0}
        role="img"
        aria-label={`Your ${size} x ${size} image: draw with the mouse, or move with the arrow keys and paint with Space (Shift+arrow paints as it moves).`}
        aria-describedby={ids.help}
        data-testid="own-canvas"
        style={{ width: VIEW_PX, height: VIEW_PX, imageRendering: 'pixelated', touchAction: 'none', cursor: 'crosshair' }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const p = at(e);
          stroke(p.x, p.y);
        }}
        onPointerMove={(e) => {
          if (e.buttons !== 1) return;
          const p = at(e);
          stroke(p.x, p.y);
        }}
        onKeyDown={onKey}
      />
      {overlay}
      </div>
      <div className="own-pens" role="radiogroup" aria-label="Pen colour">
        {PEN_COLORS.map((c, i) => (
          <button
            key={c.name}
            type="button"
            role="radio"
            aria-checked={i === color}
            title={c.name}
            aria-label={c.name}
            tabIndex={i === color ? 0 : -1}
            onKeyDown={(e) => {
              // A radio group: one tab stop, the arrow keys move the choice (wrapping).
              const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
              if (step === 0) return;
              e.preventDefault();
              const next = (i + step + PEN_COLORS.length) % PEN_COLORS.length;
              setColor(next);
              (e.currentTarget.parentElement?.querySelectorAll<HTMLElement>('[role="radio"]')[next])?.focus();
            }}
            data-testid={`own-color-${c.name.split(' ')[0]}`}
            style={{ background: `rgb(${c.rgb.map((v) => Math.round(v * 255)).join(',')})`, width: 24, height: 24, outline: i === color ? '2px solid currentColor' : undefined }}
            onClick={() => setColor(i)}
          />
        ))}
        <label htmlFor={ids.pen}>Pen</label>
        <select id={ids.pen} value={pen} onChange={(e) => setPen(Number(e.target.value))}>
          {[1, 2, 3, 4].map((w) => (
            <option key={w} value={w}>
              {w} px
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="own-clear"
          onClick={() => {
            img.set(blankImage(size));
            redraw((n) => n + 1);
            onChange();
          }}
        >
          Clear
        </button>
      </div>
      <p className="field-help" aria-live="polite" data-testid="own-cursor">
        {cursor
          ? `Pen at column ${cursor.x + 1}, row ${cursor.y + 1} of ${size} (${PEN_COLORS[color]!.name}, ${pen} px).`
          : 'Keyboard: focus the image, move the pen with the arrow keys, paint with Space (Shift+arrow paints as it moves).'}
      </p>
      <p id={ids.help} className="field-help">
        {size} × {size} pixels, as the run's task sees them. The colours are the tasks' palette, their ink and the background (an eraser).
      </p>
    </div>
  );
}

function AttentionGrid({ grid, mean }: { grid: number; mean: number[] }) {
  const max = Math.max(1e-9, ...mean);
  return (
    <div className="own-attention" data-testid="own-attention" style={{ position: 'absolute', inset: 0, display: 'grid', gridTemplateColumns: `repeat(${grid}, 1fr)`, pointerEvents: 'none' }}>
      {mean.map((v, i) => (
        <div key={i} style={{ background: `rgba(255, 140, 0, ${(0.6 * v) / max})` }} title={`patch ${i}: ${(100 * v).toFixed(1)}%`} />
      ))}
    </div>
  );
}

function OwnSamples({ runId }: { runId: string }) {
  const s = useApp(useShallow((st) => ({ own: st.own, att: st.ownAttention, attend: st.ownAttend })));
  const r = s.own.result;
  if (!r) return null;
  return (
    <div className="own-samples" data-testid="own-samples" data-count={r.samples.length} data-iteration={r.iteration}>
      <p>
        {r.samples.length} samples from the weights of iteration {r.iteration}
        {r.group && (
          <>
            {' '}
            · reward mean {r.group.mean.toFixed(3)}, std {r.group.std.toFixed(3)} (accuracy and format, weighted as the run; the process reward needs the task's
            own reasoning trace, which your image has not)
          </>
        )}
        .
      </p>
      <ol>
        {r.samples.map((x, i) => (
          <li key={i} data-testid="own-sample" data-reward={x.reward?.total ?? ''}>
            <code>{decode(x.tokens)}</code> → answer <strong>{x.answer ?? '(none)'}</strong>
            {x.wellFormed ? '' : ' (malformed)'}
            {x.reward && ` · reward ${x.reward.total.toFixed(2)} (accuracy ${x.reward.accuracy}, format ${x.reward.format})`}{' '}
            <button type="button" aria-pressed={s.att?.sample === i} aria-label={`Attention of sample ${i + 1}`} onClick={() => void s.attend(runId, i)}>
              Attention
            </button>
          </li>
        ))}
      </ol>
      {s.att?.result && <AttentionWeights grid={s.att.result.grid} weights={s.att.result.mean} testId="own-attention-weights" />}
      {s.att?.error && <p className="field-error">{s.att.error}</p>}
    </div>
  );
}

function useOwnRun(): { runId: string | null; candidates: string[]; setRunId: (id: string) => void } {
  const s = useApp(useShallow((st) => ({ runs: st.runs, order: st.order, active: st.activeRunId })));
  const [picked, setRunId] = useState('');
  const candidates = s.order.filter((id) => {
    const r = s.runs[id];
    return r !== undefined && (r.checkpointIteration !== undefined || isLive(r.status));
  });
  const runId = candidates.includes(picked) ? picked : s.active && candidates.includes(s.active) ? s.active : (candidates.at(-1) ?? null);
  return { runId, candidates, setRunId };
}

/** Inspect's "Try your own": draw or upload an image, ask a question, watch the policy's G samples and where it looked. */
export function TryOwn() {
  const s = useApp(useShallow((st) => ({ runs: st.runs, own: st.own, att: st.ownAttention, tryOwn: st.tryOwn, ready: st.workerState === 'ready' })));
  const { runId, candidates, setRunId } = useOwnRun();
  const run = runId ? s.runs[runId] : undefined;
  const size = run?.config.task.imageSize ?? 32;
  const task = run?.config.task.task ?? 'count';
  const img = useMemo(() => blankImage(size), [size]);
  const examples = useMemo(() => exampleQuestions(task, size), [task, size]);
  const [question, setQuestion] = useState('');
  const [gold, setGold] = useState('');
  const [mode, setMode] = useState<Resampling>('area');
  const [fileError, setFileError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const ids = { run: useId(), q: useId(), list: useId(), gold: useId(), file: useId(), mode: useId() };
  // An empty field asks the task's first example question (shown as the placeholder), so the field can be cleared.
  const q = question.trim() === '' ? (examples[0] ?? '') : question;
  const qError = unknownWordsSentence(q, isKnownWord);
  const goldError = gold.trim() !== '' && !isKnownWord(gold.trim()) ? `"${gold.trim()}" is not a word the model can say.` : null;
  const att = s.att?.result;
  if (!run || !runId) {
    return <p className="empty" data-testid="own-empty">Train a run for at least one iteration first: "Try your own" samples from a run's newest saved weights.</p>;
  }
  return (
    <section className="try-own" aria-label="Try your own" data-testid="try-own" data-version={version}>
      <p className="field-help">
        Draw an image (or upload one: it is scaled to {size} × {size} here, in the page), ask a question in the task's words, and see what the current policy
        answers: G = {run.config.sampling.groupSize} samples at temperature {run.config.sampling.temperature}, from the run's newest saved weights. Give the right
        answer to score them. Then see which image patches the model attended to when it chose its answer word.
      </p>
      <div className="compare-knobs">
        <label htmlFor={ids.run}>Run</label>
        <select id={ids.run} value={runId} data-testid="own-run" onChange={(e) => setRunId(e.target.value)}>
          {candidates.map((id) => (
            <option key={id} value={id}>
              {s.runs[id]?.name}
            </option>
          ))}
        </select>
      </div>
      <div className="own-body">
        <DrawingCanvas size={size} img={img} onChange={() => setVersion((v) => v + 1)} overlay={att && s.own.status === 'done' ? <AttentionGrid grid={att.grid} mean={att.mean} /> : null} />
        <form
          className="own-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (qError || goldError) return;
            void s.tryOwn(runId, { image: img.slice(), imageSize: size, question: q.trim(), ...(gold.trim() ? { gold: gold.trim() } : {}) });
          }}
        >
          <label htmlFor={ids.file}>Upload a picture</label>
          <input
            id={ids.file}
            type="file"
            accept="image/*"
            data-testid="own-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setFileError(null);
              loadFile(file, size, mode)
                .then((pixels) => {
                  img.set(pixels);
                  setVersion((v) => v + 1);
                })
                .catch((err: unknown) => setFileError(`Could not read the picture: ${err instanceof Error ? err.message : String(err)}`));
            }}
          />
          <label htmlFor={ids.mode}>Scaling</label>
          <select id={ids.mode} value={mode} onChange={(e) => setMode(e.target.value === 'nearest' ? 'nearest' : 'area')}>
            <option value="area">area (average of the pixels covered)</option>
            <option value="nearest">nearest (the pixel under each centre)</option>
          </select>
          {fileError && <p className="field-error">{fileError}</p>}
          <label htmlFor={ids.q}>Question</label>
          <input id={ids.q} list={ids.list} data-testid="own-question" value={question} placeholder={examples[0]} aria-invalid={qError !== null} aria-describedby={qError ? `${ids.q}-error` : undefined} onChange={(e) => setQuestion(e.target.value)} />
          <datalist id={ids.list}>
            {examples.map((x) => (
              <option key={x} value={x} />
            ))}
          </datalist>
          {qError && (
            <p className="field-error" role="alert" id={`${ids.q}-error`} data-testid="own-question-error">
              {qError}
            </p>
          )}
          <label htmlFor={ids.gold}>Right answer (optional)</label>
          <input id={ids.gold} data-testid="own-gold" value={gold} aria-invalid={goldError !== null} aria-describedby={goldError ? `${ids.gold}-error` : undefined} onChange={(e) => setGold(e.target.value)} />
          {goldError && (
            <p className="field-error" role="alert" id={`${ids.gold}-error`}>
              {goldError}
            </p>
          )}
          <button type="submit" className="primary" data-testid="btn-own-sample" disabled={!s.ready || s.own.status === 'loading' || qError !== null || goldError !== null}>
            Sample G responses
          </button>
          {s.own.status === 'error' && (
            <p className="field-error" role="alert" data-testid="own-error">
              {s.own.error}
            </p>
          )}
        </form>
      </div>
      <OwnSamples runId={runId} />
    </section>
  );
}
