import { LEARN_TOPICS, lessonById, type LearnTopic, type LessonAction } from '../lessons';
import type { DraftValue } from '../lib/fields';
import type { Slice } from './types';

/**
 * The Learn view's open explainer, and the guided lesson in progress: which one, which step,
 * and whether the controls it hides are shown anyway. A lesson comes from the URL
 * (`#lesson=<id>`, read by configSlice.loadHash) or from the lesson list.
 */
export interface LearnSlice {
  learnTopic: LearnTopic;
  lessonId: string | null;
  lessonStep: number;
  showAllControls: boolean;
  openTopic: (topic: LearnTopic) => void;
  /** Load a lesson's preset and settings, show only its controls, go to the Train view. */
  startLesson: (id: string) => void;
  exitLesson: () => void;
  setLessonStep: (step: number) => void;
  setShowAllControls: (on: boolean) => void;
  runLessonAction: (action: LessonAction) => void;
}

export const isLearnTopic = (t: string | null): t is LearnTopic => LEARN_TOPICS.some((x) => x.id === t);

export const createLearnSlice: Slice<LearnSlice> = (set, get) => ({
  learnTopic: 'mdp',
  lessonId: null,
  lessonStep: 0,
  showAllControls: false,
  openTopic: (learnTopic) => set({ learnTopic, view: 'learn' }),
  startLesson: (id) => {
    if (!lessonById(id)) return;
    get().loadHash(`#lesson=${encodeURIComponent(id)}`);
    set({ view: 'train' });
  },
  exitLesson: () => {
    set({ lessonId: null, lessonStep: 0, showAllControls: false });
    get().syncHash();
  },
  setLessonStep: (step) => {
    const lesson = lessonById(get().lessonId);
    if (lesson) set({ lessonStep: Math.max(0, Math.min(lesson.steps.length - 1, step)) });
  },
  setShowAllControls: (showAllControls) => set({ showAllControls }),
  runLessonAction: (action) => {
    const s = get();
    switch (action.kind) {
      case 'start':
        set({ view: 'train' });
        void s.startActive();
        return;
      case 'view':
        s.setView(action.view);
        return;
      case 'explainer':
        s.openTopic(action.topic);
        return;
      case 'set': {
        const draft = (v: string | number | boolean): DraftValue => (typeof v === 'boolean' ? v : String(v));
        s.setField(action.path, draft(action.value));
        for (const [path, v] of Object.entries(action.also ?? {})) s.setField(path, draft(v));
        set({ view: 'train' });
        return;
      }
      case 'preset':
        s.choosePreset(action.preset);
        set({ view: 'train' });
        return;
      case 'compare': {
        // The lesson's own task, seed and length; everything else comes from the Train panel, as for any comparison.
        const run = s.config?.run;
        set({ comparePresets: [...action.presets], compareTask: s.config?.task.task ?? s.compareTask, compareSeed: run?.seed ?? s.compareSeed, compareBudget: run?.iterations ?? s.compareBudget, view: 'compare' });
        void get().startCompare();
        return;
      }
    }
  },
});
