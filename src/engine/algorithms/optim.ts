/**
 * Adam (Kingma & Ba 2014) with a learning rate passed per step, and global gradient-norm
 * clipping: the two things the trainer needs that tf.train.adam makes awkward (its learning
 * rate is fixed at construction). No weight decay, like TRL's default AdamW(weight_decay=0).
 *
 * Everything stays on the device: the grad norm is a scalar tensor, the clip a multiply,
 * so a step costs no readback.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
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
    // Inside tidy, so the zeros the variables start from do not outlive them.
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  }

  /** One update θ ← θ - lr · m̂ / (sqrt(v̂) + ε); grads[i] belongs to variables[i]. */
  step(grads: readonly tf.Tensor[], lr: number): void {
    tf.util.assert(grads.length === this.variables.length, () => `Adam.step: ${grads.length} gradients for ${this.variables.length} variables`);
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      // The step's eight constants as scalar tensors made once, not once per variable: a number
      // operand becomes a fresh scalar upload at every op (8 per variable, ~420 per step here; a
      // buffer upload each on a GPU backend). The same float32 values, so the same arithmetic.
      const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, c1s, c2s, eps, lrs] = [this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, c1, c2, this.epsilon, lr].map((k) => tf.scalar(k));
      this.variables.forEach((x, i) => {
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.m[i]!, beta1!), tf.mul(g, oneMinusBeta1!));
        const v = tf.add(tf.mul(this.v[i]!, beta2!), tf.mul(tf.square(g), oneMinusBeta2!));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const update = tf.div(tf.div(m, c1s!), tf.add(tf.sqrt(tf.div(v, c2s!)), eps!));
        x.assign(tf.sub(x, tf.mul(update, lrs!)));
      });
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/**
 * Global L2 norm of all gradients, and the gradients scaled so that norm is at most maxNorm
 * (torch's clip_grad_norm_, TRL `max_grad_norm`). maxNorm <= 0 disables clipping. Returns new
 * tensors; the norm is the one before clipping (what TRL logs as grad_norm).
 */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    if (!(maxNorm > 0)) return { grads: grads.map((g) => tf.clone(g)), norm };
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return { grads: grads.map((g) => tf.mul(g, scale)), norm };
  });
}
