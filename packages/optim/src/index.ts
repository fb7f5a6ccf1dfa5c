export type { AdamOptions, AdamState } from './adam.js';
export { adam } from './adam.js';
export type { AdamwOptions, AdamwState } from './adamw.js';
export { adamw } from './adamw.js';
export type { AddDecayedWeightsState } from './addDecayedWeights.js';
export { addDecayedWeights } from './addDecayedWeights.js';
export { applyUpdates, applyUpdatesInto } from './applyUpdates.js';
export type { ChainState, StateOf } from './chain.js';
export { chain } from './chain.js';
export type { ClipByGlobalNormState } from './clipByGlobalNorm.js';
export { clipByGlobalNorm } from './clipByGlobalNorm.js';
export { constantSchedule } from './constantSchedule.js';
export { cosineDecaySchedule } from './cosineDecaySchedule.js';
export { globalNorm } from './globalNorm.js';
export { linearSchedule } from './linearSchedule.js';
export type { ScaleByAdamState } from './scaleByAdam.js';
export { scaleByAdam } from './scaleByAdam.js';
export type { ScaleByLearningRateState } from './scaleByLearningRate.js';
export { scaleByLearningRate } from './scaleByLearningRate.js';
export type { SgdOptions, SgdState } from './sgd.js';
export { sgd } from './sgd.js';
export type {
  StepBoundariesOptions,
  StepEveryOptions,
  StepScheduleOptions,
} from './stepSchedule.js';
export { stepSchedule } from './stepSchedule.js';
export type { TraceState } from './trace.js';
export { trace } from './trace.js';
export type { EmptyState, Params, Schedule, Transform } from './types.js';
export { warmupCosineDecaySchedule } from './warmupCosineDecaySchedule.js';
export { warmupSchedule } from './warmupSchedule.js';
