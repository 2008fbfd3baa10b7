/**
 * The Recorder: every diagnostic of an iteration stays on the device until one readback.
 *
 * Two kinds of things are recorded. Scalar metrics, under their metrics keys ('loss/policy',
 * 'clip/region', ...; see ../train/metrics.ts), averaged over the updates of an iteration as
 * TRL logs them. And the Inspect view's arrays, under typed names (no free-string keys): the
 * per-token arrays [N, T], the per-response advantage [N], and the rollout images. `read()`
 * concatenates everything into one tensor and reads it once: on WebGPU every readback is a
 * pipeline stall.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maskedStats } from '../rl';

/** The per-token arrays [N, T] the Inspect view shows, in row order. */
export type TokenArrayName =
  /** log π_θ at the last update of the iteration (TRPO: after its policy step, from the value fit), and log π_old, log π_ref of the batch. */
  | 'logp'
  | 'oldLogp'
  | 'refLogp'
  /** π_θ / π_old at the last update (TRPO: π_new / π_old, after its step). */
  | 'ratio'
  /** -1 clipped low, +1 clipped high, 0 not clipped (clipping algorithms only). */
  | 'clipped'
  /** Per-token KL to the reference (when there is one). */
  | 'kl'
  | 'entropy'
  /** The token's weight under the loss aggregation, over its minibatch's rows (0 on padding). */
  | 'lossWeight'
  /** lossWeight × the token's loss term (-min(ρA, clip(ρ)A) + β·KL - c_H·H): its share of loss/policy at its step. */
  | 'contribution'
  /** log π_θ after the iteration's update, from one more teacher-forced pass over the kept batch. */
  | 'logpAfter'
  /** Critic algorithms: V_old, the GAE returns and advantages (before whitening). */
  | 'values'
  | 'returns'
  | 'tokenAdvantages'
  /**
   * Critic algorithms: the score as placed on the tokens, before any KL (rewards.dense: StepRAR's
   * key-step credits on their tokens, the rest on the last one; otherwise all of it on the last).
   */
  | 'tokenRewards'
  /** Critic algorithms with objective.klMode 'reward': the rewards GAE ran on, tokenRewards − β·KL_t (absent otherwise: they equal tokenRewards). */
  | 'gaeRewards';

export type TokenArrays = Partial<Record<TokenArrayName, tf.Tensor2D>>;

/** What `read()` returns. */
export interface RecordedValues {
  /** Scalar metrics by metrics key. */
  values: Record<string, number>;
  /** The Inspect view's arrays; absent when nothing recorded them. */
  inspector: InspectorArrays;
}

export interface InspectorArrays {
  /** Per-token arrays [N, T], row-major. */
  tokens: Partial<Record<TokenArrayName, Float32Array>>;
  /** [N] the advantage of each response (critic algorithms: its mean token advantage). */
  advantage?: Float32Array;
  /** [K, H, W, 3] what the sampler saw, when it differed from the clean images. */
  rolloutImages?: Float32Array;
}

type ArrayEntry = { kind: 'token'; name: TokenArrayName } | { kind: 'advantage' } | { kind: 'rolloutImages' };

export class Recorder {
  private readonly sums = new Map<string, { total: tf.Scalar; count: number }>();
  private readonly host = new Map<string, number>();
  private readonly arrays = new Map<string, { entry: ArrayEntry; t: tf.Tensor }>();

  /** Add a scalar to the running mean of `key`; takes ownership of t. */
  mean(key: string, t: tf.Scalar): void {
    const prev = this.sums.get(key);
    if (!prev) {
      this.sums.set(key, { total: t, count: 1 });
      return;
    }
    const total = tf.tidy(() => tf.add<tf.Scalar>(prev.total, t));
    tf.dispose([prev.total, t]);
    this.sums.set(key, { total, count: prev.count + 1 });
  }

  /**
   * Keep the running minimum (or maximum) of `key` over the iteration's updates, beside a mean
   * kept under another key (TRL's clip_ratio/low_min, high_max). Does not take ownership of t.
   */
  extreme(key: string, t: tf.Scalar, which: 'min' | 'max'): void {
    const prev = this.sums.get(key);
    const next = tf.tidy(() => (prev ? (which === 'min' ? tf.minimum<tf.Scalar>(prev.total, t) : tf.maximum<tf.Scalar>(prev.total, t)) : tf.clone(t)));
    prev?.total.dispose();
    this.sums.set(key, { total: next, count: 1 });
  }

  /** Set `key` to a scalar (replacing any earlier value); takes ownership of t. */
  set(key: string, t: tf.Scalar): void {
    const prev = this.sums.get(key);
    if (prev) prev.total.dispose();
    this.sums.set(key, { total: t, count: 1 });
  }

  /** A number known on the host already. */
  setHost(key: string, value: number): void {
    this.host.set(key, value);
  }

  /** mean and std (population) of x over mask, as `<prefix>/mean` and `<prefix>/std`. */
  stats(prefix: string, x: tf.Tensor, mask?: tf.Tensor): void {
    const s = tf.tidy(() => {
      const st = maskedStats(x, mask ?? tf.onesLike(x));
      return { mean: st.mean, std: st.std };
    });
    this.set(`${prefix}/mean`, s.mean);
    this.set(`${prefix}/std`, s.std);
  }

  /** Keep a per-token array [N, T] for the Inspect view; takes ownership. */
  tokens(name: TokenArrayName, t: tf.Tensor2D): void {
    this.keepArray(`token:${name}`, { kind: 'token', name }, t);
  }

  /** Keep the per-response advantages [N] for the Inspect view; takes ownership. */
  advantages(t: tf.Tensor1D): void {
    this.keepArray('advantage', { kind: 'advantage' }, t);
  }

  /** Keep the rollout images [K, H, W, 3] for the Inspect view; takes ownership. */
  rolloutImages(t: tf.Tensor4D): void {
    this.keepArray('rolloutImages', { kind: 'rolloutImages' }, t);
  }

  private keepArray(key: string, entry: ArrayEntry, t: tf.Tensor): void {
    this.arrays.get(key)?.t.dispose();
    this.arrays.set(key, { entry, t });
  }

  /** Everything, in one readback. Disposes the recorded tensors. */
  async read(): Promise<RecordedValues> {
    const scalarKeys = [...this.sums.keys()];
    const arrays = [...this.arrays.values()];
    const flat = tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      if (scalarKeys.length > 0) parts.push(tf.stack(scalarKeys.map((k) => tf.div(this.sums.get(k)!.total, this.sums.get(k)!.count))));
      for (const { t } of arrays) parts.push(tf.reshape(tf.cast(t, 'float32'), [-1]));
      return parts.length > 0 ? tf.concat(parts) : tf.zeros([0]);
    });
    let data: Float32Array;
    try {
      data = (await flat.data()) as Float32Array;
    } finally {
      flat.dispose();
    }
    const out: RecordedValues = { values: {}, inspector: { tokens: {} } };
    scalarKeys.forEach((k, i) => (out.values[k] = data[i]!));
    let offset = scalarKeys.length;
    for (const { entry, t } of arrays) {
      const slice = data.slice(offset, offset + t.size);
      offset += t.size;
      if (entry.kind === 'token') out.inspector.tokens[entry.name] = slice;
      else out.inspector[entry.kind] = slice;
    }
    for (const [k, v] of this.host) out.values[k] = v;
    this.dispose();
    return out;
  }

  dispose(): void {
    for (const { total } of this.sums.values()) total.dispose();
    for (const { t } of this.arrays.values()) t.dispose();
    this.sums.clear();
    this.arrays.clear();
    this.host.clear();
  }
}
