import { memo, useEffect, useId, useRef } from 'react';
import { taskCards, type TaskCard } from '../lib/taskCards';

/** A task's example picture, pixel-crisp, with its text alternative. */
function TaskPicture({ card, scale }: { card: TaskCard; scale: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const { width, height, image } = card;
    const data = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) data.data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, image[i * 3 + c] ?? 0)) * 255);
      data.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
  }, [card]);
  return (
    <canvas
      ref={ref}
      className="task-picture"
      width={card.width}
      height={card.height}
      style={{ width: card.width * scale, height: card.height * scale }}
      role="img"
      aria-label={card.alt}
      data-testid={`task-picture-${card.id}`}
    />
  );
}

interface Props {
  /** The radio group's name (one per picker on the page). */
  name: string;
  legend: string;
  value: string;
  onChange: (task: string) => void;
  /** Help under the legend (the knob's description). */
  help?: string;
  error?: string;
  /** Smaller pictures, descriptions kept (Compare's sidebar). */
  compact?: boolean;
  testId?: string;
}

/**
 * The task choice as a radio group of cards: each task's title, its one-line description and an
 * example picture (taskCards: every task in the registry, none named here). Native radios, so
 * Tab enters the group at the chosen task and the arrow keys move the choice.
 */
function TaskPickerImpl({ name, legend, value, onChange, help, error, compact = false, testId }: Props) {
  const id = useId();
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  return (
    <fieldset
      className={`task-picker${compact ? ' task-picker-compact' : ''}${error ? ' field-invalid' : ''}`}
      data-testid={testId}
      aria-describedby={[error ? errId : '', help ? helpId : ''].filter(Boolean).join(' ') || undefined}
    >
      <legend>{legend}</legend>
      {help && (
        <p id={helpId} className="field-help">
          {help}
        </p>
      )}
      {error && (
        <p id={errId} className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="task-cards">
        {taskCards().map((card) => {
          const descId = `${id}-${card.id}-desc`;
          return (
            <label key={card.id} className={`task-card${card.id === value ? ' task-card-chosen' : ''}`} data-testid={`task-card-${card.id}`}>
              <input
                type="radio"
                name={name}
                value={card.id}
                checked={card.id === value}
                onChange={() => onChange(card.id)}
                aria-describedby={descId}
                data-testid={`task-option-${card.id}`}
              />
              <TaskPicture card={card} scale={compact ? 1.5 : 2} />
              <span className="task-card-text">
                <span className="task-card-title">{card.title}</span>
                <span id={descId} className="task-card-desc">
                  {card.description}
                </span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

export const TaskPicker = memo(TaskPickerImpl);
