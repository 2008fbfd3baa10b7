import { useId, useState } from 'react';
import { QUIZZES, type QuizQuestion } from '../../lessons/quiz';
import { loadQuizProgress, saveQuizAnswer, type QuizProgress } from '../../lib/quizProgress';

function Question({ q, progress, onAnswer }: { q: QuizQuestion; progress: QuizProgress; onAnswer: (right: boolean) => void }) {
  const name = useId();
  const [picked, setPicked] = useState<number | null>(null);
  const [checked, setChecked] = useState<number | null>(null);
  const right = checked !== null && checked === q.answer;
  const before = progress[q.id];
  return (
    <fieldset className="quiz-question" data-testid={`quiz-${q.id}`} data-answered={checked === null ? undefined : right ? 'right' : 'wrong'}>
      <legend>
        {q.prompt}
        {checked === null && before !== undefined && <span className="muted"> (answered {before ? 'right' : 'wrong'} before)</span>}
      </legend>
      {q.choices.map((c, i) => (
        <label key={i} className="quiz-choice">
          <input
            type="radio"
            name={name}
            value={i}
            checked={picked === i}
            onChange={() => {
              setPicked(i);
              setChecked(null);
            }}
          />{' '}
          {c.text}
        </label>
      ))}
      <button
        type="button"
        data-testid="quiz-check"
        disabled={picked === null}
        onClick={() => {
          if (picked === null) return;
          setChecked(picked);
          onAnswer(picked === q.answer);
        }}
      >
        Check
      </button>
      <p className={`quiz-feedback ${right ? 'right' : 'wrong'}`} role="status" data-testid="quiz-feedback">
        {checked !== null && (
          <>
            <strong>{right ? 'Right. ' : 'Not quite. '}</strong>
            {q.choices[checked]!.feedback}
          </>
        )}
      </p>
    </fieldset>
  );
}

/** "Check yourself": the questions of a lesson or explainer, with feedback and progress kept in this browser. */
export function Quiz({ topic }: { topic: string }) {
  const questions = QUIZZES[topic] ?? [];
  const [progress, setProgress] = useState<QuizProgress>(() => loadQuizProgress());
  if (questions.length === 0) return null;
  const right = questions.filter((q) => progress[q.id]).length;
  return (
    <section className="quiz" data-testid="quiz" data-topic={topic} aria-label="Check yourself">
      <h3>
        Check yourself{' '}
        <span className="muted" data-testid="quiz-progress">
          ({right} of {questions.length} answered right)
        </span>
      </h3>
      {questions.map((q) => (
        <Question key={q.id} q={q} progress={progress} onAnswer={(ok) => setProgress(saveQuizAnswer(q.id, ok))} />
      ))}
    </section>
  );
}
