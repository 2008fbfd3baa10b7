/** The tiny VLM policy: public surface of engine/model. */
export { ModelConfigSchema, DEFAULT_MODEL_CONFIG, numPatches, maxSeqLen, type ModelConfig } from './config';
export { Policy, diffConfigs, type ForwardOutput } from './policy';
export { type SampleOptions, type SampleResult } from './sampling';
export {
  saveCheckpoint,
  loadCheckpoint,
  checksum,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointMeta,
  type CheckpointTopology,
  type LoadedCheckpoint,
} from './checkpoint';
export { groupedImages, imageRowCount, imageTensors, imagesPerRow, gatherImageRows, isShared, type RowImages, type SharedImages } from './images';
