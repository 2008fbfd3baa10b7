/**
 * "Check yourself" progress, kept in this browser only (localStorage, never sent anywhere): for
 * each question id, whether the last answer was right. A storage that refuses (private mode,
 * full) just forgets: the questions still work.
 */
import { z } from 'zod';

export const QUIZ_STORAGE_KEY = 'rft-playground.quiz.v1';

const ProgressSchema = z.record(z.string(), z.boolean());
export type QuizProgress = Record<string, boolean>;

export function loadQuizProgress(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): QuizProgress {
  try {
    const raw = storage?.getItem(QUIZ_STORAGE_KEY);
    if (!raw) return {};
    const parsed = ProgressSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function saveQuizAnswer(id: string, right: boolean, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage): QuizProgress {
  const next = { ...loadQuizProgress(storage), [id]: right };
  try {
    storage?.setItem(QUIZ_STORAGE_KEY, JSON.stringify(next));
  } catch {
    // storage refused: progress is not kept, nothing else changes
  }
  return next;
}
