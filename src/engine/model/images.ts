/**
 * The images of a batch of rows, stored once per distinct image.
 *
 * A GRPO batch has B·G rows but only B images (every row of a group answers the same prompt),
 * and NoisyRollout's hybrid groups have 2B (clean and noisy). Encoding each row's image runs
 * the encoder G times on the same pixels; `SharedImages` keeps the K distinct images and, per
 * row, which one it sees, so the encoder runs K times and its visual tokens are picked out for
 * the rows. Whoever builds the batch knows which rows share an image (the trainer lays rows out
 * group by group), so nothing is compared on the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat } from './layers';

/** K distinct images [K, H, W, 3] and, for each of N rows, the index of its image: int32 [N] in 0..K-1. */
export type SharedImages = {
  distinct: tf.Tensor4D;
  row: tf.Tensor1D;
};

/** Either one image per row [N, H, W, 3], or the distinct images and each row's index into them. */
export type RowImages = tf.Tensor4D | SharedImages;

export function isShared(images: RowImages): images is SharedImages {
  return !(images instanceof tf.Tensor);
}

/** N: how many rows these images are for. */
export function imageRowCount(images: RowImages): number {
  return isShared(images) ? images.row.shape[0] : images.shape[0];
}

/** Every tensor held (for tf.dispose). */
export function imageTensors(images: RowImages): tf.Tensor[] {
  return isShared(images) ? [images.distinct, images.row] : [images];
}

/** Shared images for rows laid out group by group: row i sees image ⌊i / G⌋ of `distinct` [K, ...] (N = K·G). Takes ownership of `distinct`. */
export function groupedImages(distinct: tf.Tensor4D, groupSize: number): SharedImages {
  const k = distinct.shape[0];
  const row = Int32Array.from({ length: k * groupSize }, (_, i) => Math.floor(i / groupSize));
  return { distinct, row: tf.tensor1d(row, 'int32') };
}

/** One image per row [N, H, W, 3] (new tensor): the distinct images gathered by row (for inspection and tests, not the passes). */
export function imagesPerRow(images: RowImages): tf.Tensor4D {
  return isShared(images) ? tf.gather(images.distinct, images.row) : images.clone();
}

/** The rows `idx` of shared images: the same distinct images (a clone, sharing the data), the rows' indices gathered. New tensors. */
export function gatherImageRows(images: RowImages, idx: tf.Tensor1D): RowImages {
  return tf.tidy(() => (isShared(images) ? { distinct: tf.clone(images.distinct), row: tf.gather(images.row, idx) } : tf.gather(images, idx)));
}

/**
 * Per-row copies of per-image tensors: x [K, ...] -> [N, ...] with out[i] = x[row[i]]. A one-hot
 * matmul rather than tf.gather: gather's gradient needs UnsortedSegmentSum, which the wasm
 * backend lacks, while the matmul's gradient pickᵀ·dY sums each image's rows exactly as the
 * rows' separate encoder passes would have. Each output is 1·x + 0·(others): an exact copy.
 * Call inside tf.tidy.
 */
export function pickRows<T extends tf.Tensor>(x: T, row: tf.Tensor1D): T {
  return rowPicker(row, x.shape[0])(x);
}

/** pickRows for several tensors of K rows, with the one-hot [N, K] made once. Call inside tf.tidy. */
export function rowPicker(row: tf.Tensor1D, k: number): <T extends tf.Tensor>(x: T) => T {
  const n = row.shape[0];
  // tf.oneHot refuses depth 1 (one distinct image: a batch of one prompt): every row then picks image 0.
  const pick = (k === 1 ? tf.ones([n, 1]) : oneHotFloat(row, k)) as tf.Tensor2D; // [N, K]
  return <T extends tf.Tensor>(x: T): T => {
    const [, ...rest] = x.shape;
    const inner = rest.reduce((a, c) => a * c, 1);
    return tf.reshape(tf.matMul(pick, tf.reshape(x, [k, inner])), [n, ...rest]) as T; // [N, K] x [K, rest] -> [N, rest]
  };
}
