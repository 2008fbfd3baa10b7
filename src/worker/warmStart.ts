import * as tf from '@tensorflow/tfjs-core';
import type { TaskId } from '../engine/tasks/types';

export class MissingCheckpointError extends Error {}

/** The task's warm-start checkpoint, fetched relative to the page; a clear error if it was never made. */
export function warmStartHandler(task: TaskId, baseUrl: string): tf.io.IOHandler {
  const url = new URL(`checkpoints/${task}/model.json`, baseUrl).href;
  const http = tf.io.browserHTTPRequest(url);
  return {
    load: async () => {
      const res = await fetch(url, { method: 'HEAD' }).catch(() => null);
      const type = res?.headers.get('content-type') ?? '';
      if (!res?.ok || !type.includes('json')) {
        throw new MissingCheckpointError(
          `No warm-start checkpoint for the task "${task}" (checkpoints/${task}/model.json was not found). ` +
            'Run `npm run pretrain` to make it, or set Run → init to "scratch".',
        );
      }
      if (!http.load) throw new Error('tf.io.browserHTTPRequest has no load()');
      return http.load();
    },
  };
}
