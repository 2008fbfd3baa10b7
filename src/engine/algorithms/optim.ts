/**
 * Adam (Kingma & Ba 2014) with a learning rate passed per step, and global gradient-norm
 * clipping: the two things the trainer needs that tf.train.adam makes awkward (its learning
 * rate is fixed at construction). No weight decay, like TRL's default AdamW(weight_decay=0).
 *
 * Everything stays on the device: the grad norm is a scalar tensor, the clip a multiply,
 * so a step costs no readback.
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmAdamStep } from './wasmAdam';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  /** m and v of every variable end to end, in the variables' order: one flat vector each. */
  private readonly m: tf.Variable | null;
  private readonly v: tf.Variable | null;
  private readonly sizes: number[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    readonly variables: readonly tf.Variable[],
    opts: AdamOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.sizes = variables.map((x) => x.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // Inside tidy, so the zeros the variables start from do not outlive them.
    this.m = total > 0 ? tf.tidy(() => tf.variable(tf.zeros([total]), false)) : null;
    this.v = total > 0 ? tf.tidy(() => tf.variable(tf.zeros([total]), false)) : null;
  }

  /**
   * One update θ ← θ - lr · m̂ / (sqrt(v̂) + ε); grads[i] belongs to variables[i]. `scale`, when
   * given, multiplies every gradient first (the global-norm clip of clipScale).
   *
   * All variables move in one flat vector: the gradients and the weights are concatenated,
   * updated by one chain of element-wise kernels and split back, instead of one chain per
   * variable (~14 kernels and ~8 scalar uploads each, for the default model's ~60 variables).
   * Element for element the same operations in the same order, so the same numbers.
   */
  step(grads: readonly tf.Tensor[], lr: number, scale?: tf.Scalar): void {
    tf.util.assert(grads.length === this.variables.length, () => `Adam.step: ${grads.length} gradients for ${this.variables.length} variables`);
    this.t++;
    const { m: mVar, v: vVar } = this;
    if (!mVar || !vVar) return;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      const raw = flatten(grads);
      // On wasm the chain below is one kernel of ours (./wasmAdam.ts: the same bits).
      const fused = wasmAdamStep(raw, mVar, vVar, () => flatten(this.variables), scale, { beta1: this.beta1, beta2: this.beta2, c1, c2, epsilon: this.epsilon, lr });
      if (fused) {
        const [m, v, next] = fused;
        mVar.assign(m);
        vVar.assign(v);
        this.assignFlat(next);
        return;
      }
      const g = scale ? tf.mul(raw, scale) : raw;
      const m = tf.add(tf.mul(mVar, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(vVar, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      mVar.assign(m);
      vVar.assign(v);
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
      this.assignFlat(tf.sub(flatten(this.variables), tf.mul(update, lr)));
    });
  }

  /** The variables from one flat vector, split back in their order. */
  private assignFlat(next: tf.Tensor): void {
    const parts = this.sizes.length === 1 ? [next] : tf.split(next, this.sizes);
    this.variables.forEach((x, i) => x.assign(tf.reshape(parts[i]!, x.shape)));
  }

  dispose(): void {
    tf.dispose([this.m, this.v].filter((x): x is tf.Variable => x !== null));
  }
}

/** Tensors end to end as one flat vector (one Concat; a reshape alone for a single tensor). */
function flatten(xs: readonly tf.Tensor[]): tf.Tensor1D {
  const flat = xs.map((x) => tf.reshape<tf.Rank.R1>(x, [-1]));
  return flat.length === 1 ? flat[0]! : tf.concat(flat);
}

/**
 * Global L2 norm of all gradients, and the gradients scaled so that norm is at most maxNorm
 * (torch's clip_grad_norm_, TRL `max_grad_norm`). maxNorm <= 0 disables clipping. Returns new
 * tensors; the norm is the one before clipping (what TRL logs as grad_norm).
 */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const { norm, scale } = clipScale(grads, maxNorm);
    return { grads: grads.map((g) => (scale ? tf.mul(g, scale) : tf.clone(g))), norm };
  });
}

/**
 * clipByGlobalNorm without the scaled copies: the norm, and the factor that clips it
 * (min(1, maxNorm / (norm + 1e-6)); null when maxNorm <= 0) for Adam.step to apply to its flat
 * gradient. The same numbers as clipping first, one multiply instead of one per gradient.
 */
export function clipScale(grads: readonly tf.Tensor[], maxNorm: number): { norm: tf.Scalar; scale: tf.Scalar | null } {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
  if (!(maxNorm > 0)) return { norm, scale: null };
  return { norm, scale: tf.tidy(() => tf.minimum<tf.Scalar>(1, tf.div(maxNorm, tf.add(norm, 1e-6)))) };
}
