import * as tf from '@tensorflow/tfjs-core';

export class MissingCheckpointError extends Error {}

/** A warm-start checkpoint (the task's id, or `<task>-verbose`), fetched relative to the page; a clear error if it was never made. */
export function warmStartHandler(task: string, baseUrl: string): tf.io.IOHandler {
  const url = new URL(`checkpoints/${task}/model.json`, baseUrl).href;
  const http = tf.io.browserHTTPRequest(url);
  return {
    load: async () => {
      const res = await fetch(url, { method: 'HEAD' }).catch(() => null);
      const type = res?.headers.get('content-type') ?? '';
      if (!res?.ok || !type.includes('json')) {
        throw new MissingCheckpointError(
          `No warm-start checkpoint "${task}" (checkpoints/${task}/model.json was not found). ` +
            'Run `npm run pretrain` to make it, or set Run → init to "scratch".',
        );
      }
      if (!http.load) throw new Error('tf.io.browserHTTPRequest has no load()');
      return http.load();
    },
  };
}
