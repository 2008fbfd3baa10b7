import { useApp } from '../../store';
import { LESSONS } from '../../lessons';
import { presetTitle } from '../../lib/presets';

/** Every lesson with its link (each is a URL a teacher can share). */
export function LessonList() {
  const startLesson = useApp((s) => s.startLesson);
  return (
    <section className="explainer" aria-labelledby="lessons-title" data-testid="lesson-list">
      <h3 id="lessons-title">Lessons</h3>
      <p>Each lesson loads a preset, shows only the controls that matter and walks you through a short experiment. Share its link to hand it to someone else.</p>
      <ul className="lessons">
        {LESSONS.map((l) => (
          <li key={l.id}>
            <a
              href={`#lesson=${l.id}`}
              data-testid={`lesson-link-${l.id}`}
              onClick={(e) => {
                e.preventDefault();
                startLesson(l.id);
              }}
            >
              {l.title}
            </a>{' '}
            <span className="muted">
              · {presetTitle(l.preset)} · {l.summary}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
