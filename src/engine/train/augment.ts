/**
 * Image perturbations for rollouts only: the policy samples its responses from perturbed
 * images, while the update (and old / reference log-probs) sees the clean ones.
 *
 * - NoisyRollout (Liu et al. 2025, arXiv:2504.13055, §3): Gaussian pixel noise whose strength
 *   anneals to 0 over the run, so early rollouts explore more and late ones match the test
 *   distribution. In the paper's hybrid rollout each prompt gets n1 rollouts from the clean
 *   image and n2 = n1 from the distorted one, one group, one advantage baseline; the update
 *   conditions on the clean image only. Its code (verl/utils/image_aug.py, `decay_mode=sigmoid`)
 *   scales the strength by 1 − σ(k · (t/A − m)), k = `decay_coef` = 30, m·A = `decay_sig_mid_step`;
 *   that is `noiseSchedule: 'sigmoid'` here, with the old linear fall kept as `'linear'`. The paper
 *   distorts by a diffusion step (x·√ᾱ + ε·√(1−ᾱ)); here the strength is the std of additive noise.
 * - RandomCrop: a random window of 80-100% of the side, resized back (the "crop" augmentation
 *   common in vision RL).
 * - RandomAffine: a random shift (up to 1/8 of the side) and scale (0.9-1.1), edges extended.
 *
 * All randomness is seeded, so a run is reproducible.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random';
import type { RunConfig } from '../config';

/**
 * The share of the initial noise left at iteration t (0-based), with A = noiseAnneal:
 *   linear:  max(0, 1 − t/A)
 *   sigmoid: 1 − σ(k · (t/A − m)) = 1 / (1 + e^{k (t/A − m)}), k = noiseSteepness, m = noiseMidpoint;
 *            0 from t >= A on (the horizon ends the noise, as linear's does).
 */
export function noiseDecay(tricks: Pick<RunConfig['tricks'], 'noiseSchedule' | 'noiseAnneal' | 'noiseMidpoint' | 'noiseSteepness'>, t: number): number {
  const x = t / tricks.noiseAnneal;
  if (x >= 1) return 0;
  if (tricks.noiseSchedule === 'linear') return Math.max(0, 1 - x);
  return 1 / (1 + Math.exp(tricks.noiseSteepness * (x - tricks.noiseMidpoint)));
}

/** The noise std at iteration t (0-based): noiseStd · noiseDecay(t); 0 when off. */
export function noiseStdAt(tricks: RunConfig['tricks'], t: number): number {
  if (!tricks.noisyRollout) return 0;
  return tricks.noiseStd * noiseDecay(tricks, t);
}

/**
 * How many of a group's G rollouts see the perturbed image at iteration t: all of them, none
 * (nothing perturbs the images now), or, in NoisyRollout's hybrid groups, the last ⌊G/2⌋ (the
 * first ⌈G/2⌉ see the clean image).
 */
export function perturbedPerGroup(tricks: RunConfig['tricks'], t: number, groupSize: number): number {
  if (!perturbsImages(tricks, t)) return 0;
  return tricks.noisyRollout && tricks.noiseMix === 'hybrid' ? Math.floor(groupSize / 2) : groupSize;
}

/** True when rollout images may differ from the clean ones at iteration t. */
export function perturbsImages(tricks: RunConfig['tricks'], t: number): boolean {
  return noiseStdAt(tricks, t) > 0 || tricks.augment !== 'none';
}

/**
 * The rollout images for a batch of clean images [B, H, W, 3]: augmented, then noised, then
 * clipped to [0, 1]. Returns a new tensor (a clone when nothing applies).
 */
export function perturbImages(images: tf.Tensor4D, tricks: RunConfig['tricks'], t: number, seed: number): tf.Tensor4D {
  const [b, h, w] = images.shape;
  const rng = new Rng(seed);
  const std = noiseStdAt(tricks, t);
  return tf.tidy(() => {
    let x: tf.Tensor4D = images;
    if (tricks.augment === 'crop') {
      // Boxes [y1, x1, y2, x2] in normalised coordinates, one per image.
      const boxes: number[][] = [];
      for (let i = 0; i < b; i++) {
        const side = 0.8 + 0.2 * rng.next();
        const y1 = (1 - side) * rng.next();
        const x1 = (1 - side) * rng.next();
        boxes.push([y1, x1, y1 + side, x1 + side]);
      }
      const boxInd = tf.tensor1d(Array.from({ length: b }, (_, i) => i), 'int32');
      x = tf.image.cropAndResize(x, tf.tensor2d(boxes, [b, 4]), boxInd, [h, w], 'bilinear');
    } else if (tricks.augment === 'affine') {
      // tf.image.transform maps output (x, y) to input (a0 x + a1 y + a2, b0 x + b1 y + b2).
      const transforms: number[][] = [];
      for (let i = 0; i < b; i++) {
        const s = 1 / (0.9 + 0.2 * rng.next()); // inverse scale: output -> input
        const dx = (rng.next() * 2 - 1) * (w / 8);
        const dy = (rng.next() * 2 - 1) * (h / 8);
        // Scale about the centre, then shift.
        const cx = (w - 1) / 2;
        const cy = (h - 1) / 2;
        transforms.push([s, 0, cx - s * cx + dx, 0, s, cy - s * cy + dy, 0, 0]);
      }
      x = tf.image.transform(x, tf.tensor2d(transforms, [b, 8]), 'bilinear', 'nearest');
    }
    if (std > 0) {
      const seedForNoise = rng.int(0, 2 ** 31 - 1);
      x = tf.add(x, tf.randomNormal(x.shape, 0, std, 'float32', seedForNoise));
    }
    return tf.clipByValue(x, 0, 1);
  });
}
