import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package does this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, it } from 'vitest';
import { stopGradient } from './stopGradient';
import { close, expectNoLeak } from './testing.test-utils';

describe('stopGradient', () => {
  it('passes the value, blocks the gradient: d/dx [x · sg(x)] = sg(x) = x, not 2x', () => {
    const x = tf.tensor1d([3, -2]);
    close(stopGradient(x), [3, -2]);
    close(
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x),
      [3, -2],
    );
    expectNoLeak(() => stopGradient(x), 1);
  });
});
