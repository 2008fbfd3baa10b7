import { z } from 'zod';
import { BASE_VOCAB_SIZE, VOCAB_SIZE } from '../tokenizer';

/**
 * The tiny VLM's shape. Defaults give ~150k parameters: small enough that one RL iteration
 * of the default preset runs in about 2 s on Node's wasm backend on 2 cores.
 */
export const ModelConfigSchema = z
  .object({
    imageSize: z.number().int().min(16).max(128).default(32).describe('Side of the square RGB input image, in pixels (tasks need at least 16 to draw legibly).'),
    patchSize: z.number().int().min(2).max(32).default(8).describe('Side of one image patch; (imageSize/patchSize)^2 visual tokens.'),
    dModel: z.number().int().min(8).max(512).default(64).describe('Width of every token embedding (d).'),
    nHeads: z.number().int().min(1).max(16).default(4).describe('Attention heads per layer; dModel must divide by it.'),
    nLayers: z.number().int().min(1).max(8).default(2).describe('Decoder transformer blocks.'),
    encoderLayers: z.number().int().min(0).max(4).default(1).describe('Transformer blocks over the patches before the projector.'),
    ffnMult: z.number().int().min(1).max(8).default(4).describe('Hidden width of each MLP, as a multiple of dModel.'),
    promptLen: z.number().int().min(2).max(32).default(8).describe('Prompt tokens, left-padded to this length.'),
    maxResponseLen: z.number().int().min(4).max(64).default(32).describe('Longest response the position table can hold.'),
    vocabSize: z
      .union([z.literal(BASE_VOCAB_SIZE), z.literal(VOCAB_SIZE)])
      .default(BASE_VOCAB_SIZE)
      .describe(`Rows of the token embedding and the output head. Set by the task: ${BASE_VOCAB_SIZE} words for the single-image tasks, ${VOCAB_SIZE} for the tasks whose words were appended (motion, click, locate).`),
  })
  .refine((c) => c.imageSize % c.patchSize === 0, { message: 'imageSize must be a multiple of patchSize', path: ['patchSize'] })
  .refine((c) => c.dModel % c.nHeads === 0, { message: 'dModel must be a multiple of nHeads', path: ['nHeads'] });

export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const DEFAULT_MODEL_CONFIG: ModelConfig = ModelConfigSchema.parse({});

export function numPatches(c: ModelConfig): number {
  return (c.imageSize / c.patchSize) ** 2;
}

/** Total positions: [visual tokens, prompt tokens, response tokens]. */
export function maxSeqLen(c: ModelConfig): number {
  return numPatches(c) + c.promptLen + c.maxResponseLen;
}
