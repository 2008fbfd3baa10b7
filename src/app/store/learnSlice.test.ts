import { describe, expect, it } from 'vitest';
import { useApp } from './index';

/** Lessons in the store: a `#lesson=` hash loads the lesson, its actions edit the config, leaving it keeps the edits. */
describe('the lesson slice', () => {
  it('loads a lesson from the hash, runs its actions, and leaves it', () => {
    const s = () => useApp.getState();
    s().setView('learn');
    s().loadHash('#lesson=kl-anchor&seed=5');
    expect(s().lessonId).toBe('kl-anchor');
    expect(s().view).toBe('train');
    expect(s().preset).toBe('grpo');
    expect(s().config?.run.iterations).toBe(20); // the lesson's setting
    expect(s().config?.run.seed).toBe(5); // the link's own

    s().setLessonStep(99);
    expect(s().lessonStep).toBe(3); // clamped to the last step
    s().runLessonAction({ kind: 'set', path: 'objective.beta', value: 0, label: 'Set β = 0' });
    expect(s().config?.objective.beta).toBe(0);
    // A button may set several knobs at once (1 epoch × 1 minibatch).
    s().runLessonAction({ kind: 'set', path: 'optim.epochs', value: 1, also: { 'optim.minibatches': 1, 'optim.lr': 0.0003 }, label: 'Set 1 × 1' });
    expect(s().config?.optim.epochs).toBe(1);
    expect(s().config?.optim.minibatches).toBe(1);
    expect(s().config?.optim.lr).toBe(0.0003);
    s().runLessonAction({ kind: 'explainer', topic: 'kl' });
    expect(s().view).toBe('learn');
    expect(s().learnTopic).toBe('kl');
    s().runLessonAction({ kind: 'preset', preset: 'dr-grpo', label: 'Dr. GRPO' });
    expect(s().preset).toBe('dr-grpo');
    expect(s().lessonId).toBe('kl-anchor'); // switching preset stays in the lesson

    s().exitLesson();
    expect(s().lessonId).toBeNull();
    expect(s().preset).toBe('dr-grpo');

    s().loadHash('#lesson=nope&preset=dapo');
    expect(s().lessonId).toBeNull();
    expect(s().preset).toBe('dapo');
    expect(s().notices.some((n) => n.text.includes('unknown lesson "nope"'))).toBe(true);
    s().startLesson('reward-hacking');
    expect(s().lessonId).toBe('reward-hacking');
    expect(s().config?.rewards.weights.hackable).toBe(1);
  });
});
