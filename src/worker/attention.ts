import * as tf from '@tensorflow/tfjs-core';
import { Policy } from '../engine/model';
import { padPrompt } from '../engine/tokenizer';
import type { StoredCheckpoint } from './dbSchema';
import type { AttentionRequest, AttentionResult } from './protocol';

/**
 * The Inspect view's attention map: a policy rebuilt from one run's saved checkpoint, kept
 * while that checkpoint stays the newest (the view asks many times about the same weights).
 */
export class AttentionView {
  private loaded: { runId: string; iteration: number; savedAt: number; policy: Policy } | null = null;

  /** Attention of one response token over the image patches, per head, with `ckpt`'s weights. */
  async explain(ckpt: StoredCheckpoint, req: AttentionRequest): Promise<AttentionResult> {
    const { policy, iteration } = await this.policyFor(ckpt);
    const c = policy.config;
    if (req.imageSize !== c.imageSize) throw new Error(`The image is ${req.imageSize} px but the model takes ${c.imageSize} px.`);
    const tokens = req.tokens.slice(0, c.maxResponseLen);
    if (req.position >= tokens.length) throw new Error(`Position ${req.position} is past the response (${tokens.length} tokens).`);
    const att = tf.tidy(() => {
      const images = tf.tensor4d(req.image, [1, c.imageSize, c.imageSize, 3]);
      const prompts = tf.tensor2d([padPrompt(req.promptTokens, c.promptLen)], [1, c.promptLen], 'int32');
      const responses = tf.tensor2d([tokens], [1, tokens.length], 'int32');
      return policy.attentionToImage(images, prompts, responses, req.position); // [1, H, P]
    });
    const heads = (await att.array())[0]!; // [H, P]
    att.dispose();
    const mean = heads[0]!.map((_, p) => heads.reduce((a, h) => a + h[p]!, 0) / heads.length);
    return { iteration, layer: c.nLayers - 1, grid: c.imageSize / c.patchSize, heads, mean };
  }

  /** The policy of `ckpt`, rebuilt once and kept while it is the newest asked for. */
  async policyFor(ckpt: StoredCheckpoint): Promise<{ policy: Policy; iteration: number }> {
    const l = this.loaded;
    if (l && l.runId === ckpt.runId && l.iteration === ckpt.iteration && l.savedAt === ckpt.savedAt) return l;
    this.dispose();
    const artifacts = ckpt.artifacts;
    const policy = await Policy.fromCheckpoint({ load: () => Promise.resolve(artifacts) });
    this.loaded = { runId: ckpt.runId, iteration: ckpt.iteration, savedAt: ckpt.savedAt, policy };
    return this.loaded;
  }

  dispose(): void {
    try {
      this.loaded?.policy.dispose();
    } catch {
      // Its tensors may have lived on a backend that failed.
    }
    this.loaded = null;
  }
}
