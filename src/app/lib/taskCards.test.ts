import { describe, expect, it } from 'vitest';
import { TASKS } from '../../engine/tasks';
import { TASK_IDS } from '../../engine/tasks/types';
import { BACKGROUND } from '../../engine/tasks/raster';
import { taskCards } from './taskCards';

describe('task picker cards', () => {
  it('one card per registered task, in TASK_IDS order, with its title, description and seed-0 picture', () => {
    const cards = taskCards();
    // Read from the registry: a task added to TASK_IDS gets a card with no code here.
    expect(cards.map((c) => c.id)).toEqual([...TASK_IDS]);
    for (const card of cards) {
      const task = TASKS[card.id];
      expect(card.title).toBe(task.title);
      expect(card.description).toBe(task.description);
      // The picture is the task's own seed-0 ID prompt at level 1, 32 px, no jitter.
      const inst = task.generate({ seed: 0, split: 'id', difficulty: 1, imageSize: 32, jitter: 0 });
      expect(card.image).toEqual(inst.image);
      expect(card.width * card.height * 3).toBe(card.image.length);
      // Not blank: some pixel differs from the background.
      let drawn = false;
      for (let p = 0; p < card.width * card.height && !drawn; p++) drawn = [0, 1, 2].some((c) => Math.abs(card.image[p * 3 + c]! - BACKGROUND[c]!) > 0.05);
      expect(drawn, `${card.id} draws something`).toBe(true);
      // The alt text names the task and the question, without <bos> or <pad>.
      expect(card.question).not.toMatch(/<bos>|<pad>/);
      expect(card.question.split(' ').length).toBeGreaterThan(1);
      expect(card.alt).toBe(`Example ${task.title} picture, asked "${card.question}"`);
    }
  });
});
