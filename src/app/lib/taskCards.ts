import { TASKS } from '../../engine/tasks';
import { TASK_IDS, type TaskId } from '../../engine/tasks/types';
import { BOS, decode } from '../../engine/tokenizer';

/**
 * What the task picker shows for each task: its title, one-line description and an example
 * picture, the seed-0 ID prompt at level 1, 32 px, no jitter. Read from the registry for every
 * id in TASK_IDS, so a task added there appears with no code here.
 */
export interface TaskCard {
  id: TaskId;
  title: string;
  description: string;
  /** Row-major RGB in [0, 1], `width` pixels wide (a task with frames may stack them: taller than wide). */
  image: Float32Array;
  width: number;
  height: number;
  /** The example's question ("how many red ?"), without <bos>. */
  question: string;
  /** The picture's text alternative: which task, and the question asked about it. */
  alt: string;
}

export const CARD_IMAGE_SIZE = 32;

function makeCard(id: TaskId): TaskCard {
  const task = TASKS[id];
  const inst = task.generate({ seed: 0, split: 'id', difficulty: 1, imageSize: CARD_IMAGE_SIZE, jitter: 0 });
  const question = decode(inst.promptTokens.filter((t) => t !== BOS));
  return {
    id,
    title: task.title,
    description: task.description,
    image: inst.image,
    width: inst.imageSize,
    height: Math.max(1, Math.floor(inst.image.length / 3 / inst.imageSize)),
    question,
    alt: `Example ${task.title} picture, asked "${question}"`,
  };
}

let cards: readonly TaskCard[] | null = null;

/** One card per task, in TASK_IDS order (made once: generating a picture costs a little). */
export function taskCards(): readonly TaskCard[] {
  cards ??= TASK_IDS.map(makeCard);
  return cards;
}
