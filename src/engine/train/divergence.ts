/**
 * When a run has diverged, and how to say so: "diverged at iteration N: <quantity> is <value>".
 *
 * Two criteria, both checked on numbers the trainer already reads back once per iteration
 * (the weights' RMS is one more scalar in that readback, not a readback of its own):
 *
 * 1. Anything non-finite: the loss, the global gradient norm (NaN or Infinity if any gradient
 *    is, or if their squares overflow float32), any metric, or the weights after the update
 *    (their RMS is NaN or Infinity if any weight is). The page's metrics schema refuses
 *    non-finite numbers anyway, so such a record must never leave the trainer.
 *
 * 2. The weights' RMS above WEIGHT_RMS_LIMIT. Measured (tiny model, cpu backend, GRPO and
 *    PPO from scratch): a learning rate of 1e3 produces no NaN at all. Adam's step is about lr
 *    per weight whatever the gradient's size (and gradients are clipped), so the first update
 *    moves every weight by ~1e3: RMS 0.167 -> 976 (GRPO; PPO reached 2.5e3). The logits are then huge, the softmax is
 *    one-hot (entropy 0), the gradient underflows to exactly 0 and Adam's momentum keeps
 *    pushing the weights outward (RMS 1.6e3, 2.1e3, ... 3.7e3 by iteration 8). The run is dead
 *    but every number is finite, so a NaN check alone would let it "train" forever.
 *
 *    Healthy weights sit near 0.1: 0.167 at a from-scratch init, 0.096-0.097 in every shipped
 *    warm-start checkpoint after SFT, and unchanged to three digits after 8 iterations at
 *    lr 1e-4; lr 1e-2 moves it to 0.170. LayerNorm gains start at 1, the largest weight at init.
 *    A limit of 100 is ~600x the healthiest init: no run that is still learning comes near it,
 *    and lr >= 1e2 crosses it within two updates. (lr 1 also collapses the policy, but keeps
 *    the RMS below 10: that is a bad run, not a diverged one, and it is left to the curves.)
 */
import * as tf from '@tensorflow/tfjs-core';

/** Root-mean-square weight above which a run counts as diverged (see the module comment). */
export const WEIGHT_RMS_LIMIT = 100;

/** The metric key of the weights' RMS after the iteration's update. */
export const WEIGHT_RMS_KEY = 'weights/rms';

/**
 * Quantities named first when several went bad at once: the loss and the gradient are the
 * cause, most other metrics follow from them.
 */
const FIRST = ['loss/policy', 'loss/value', 'grad/norm', 'grad/value_norm', WEIGHT_RMS_KEY, 'policy/approx_kl', 'kl/ref', 'entropy'] as const;

/** sqrt(mean(w²)) over every weight of `vars`, as a scalar on the device (no readback). */
export function weightRms(vars: readonly tf.Variable[]): tf.Scalar {
  return tf.tidy(() => {
    const count = vars.reduce((n, v) => n + v.size, 0);
    if (count === 0) return tf.scalar(0);
    const sumSq = tf.addN(vars.map((v) => tf.sum(tf.square(v))));
    return tf.sqrt(tf.div(sumSq, count)) as tf.Scalar;
  });
}

export interface Divergence {
  /** The metric that went bad. */
  key: string;
  value: number;
  /** 'non-finite': NaN or ±Infinity; 'weights': the RMS weight is above WEIGHT_RMS_LIMIT. */
  kind: 'non-finite' | 'weights';
}

/** The first sign of divergence in one iteration's metrics, or null for a healthy iteration. */
export function findDivergence(values: Readonly<Record<string, number>>): Divergence | null {
  const keys = [...FIRST.filter((k) => k in values), ...Object.keys(values).filter((k) => !(FIRST as readonly string[]).includes(k)).sort()];
  for (const key of keys) {
    const value = values[key]!;
    if (!Number.isFinite(value)) return { key, value, kind: 'non-finite' };
  }
  const rms = values[WEIGHT_RMS_KEY];
  if (rms !== undefined && rms > WEIGHT_RMS_LIMIT) return { key: WEIGHT_RMS_KEY, value: rms, kind: 'weights' };
  return null;
}

/** "diverged at iteration N: <quantity> is <value>", with the limit when it is the weights'. */
export function divergenceMessage(iteration: number, d: Divergence): string {
  if (d.kind === 'non-finite') return `diverged at iteration ${iteration}: ${d.key} is ${String(d.value)}`;
  return (
    `diverged at iteration ${iteration}: ${d.key} is ${d.value.toPrecision(4)} (limit ${WEIGHT_RMS_LIMIT}; healthy runs stay below 1). ` +
    'The weights blew up: the learning rate is far too high.'
  );
}

/** Thrown by the trainer's step(); the weights it leaves behind must not be saved. */
export class DivergedError extends Error {
  constructor(
    readonly iteration: number,
    readonly divergence: Divergence,
  ) {
    super(divergenceMessage(iteration, divergence));
    this.name = 'DivergedError';
  }
}
