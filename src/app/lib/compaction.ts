/**
 * Metrics compaction lives in the worker (src/worker/compaction.ts), which thins an import before
 * storing it; the page thins a live run's records with the same plan.
 */
export { COMPACTION, isEvalRecord, planCompaction, strideFor, thinForImport, type CompactionOptions, type CompactionPlan } from '../../worker/compaction';
