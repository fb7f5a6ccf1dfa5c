export type {
  AlgorithmName,
  AlgorithmPieces,
  AlgorithmSpec,
  HeadStep,
  HeadStepInput,
  HeadStepResult,
  LayerGradientInput,
  LayerGradientName,
  LayerGradientStep,
  LossLike,
  Reduction,
  ReductionSpec,
  TaskGradients,
} from './algorithm.js';
export { ALGORITHM_NAMES } from './algorithm.js';
export type {
  HeadInit,
  HeadUpdate,
  LayerOptimizer,
  PretrainConfig,
  ResolvedPretrainConfig,
  Sampler,
} from './config.js';
export { resolveConfig, UNBALANCED_LABELS } from './config.js';
export type { RunKeys } from './keys.js';
export { runKeys } from './keys.js';
export type { HeadStepData, MamlHeadStep } from './pieces.js';
export { headStep, layerGradient, reduction } from './pieces.js';
export type { PretrainOptions, PretrainResult, RoundEvent, TaskEvent } from './pretrain.js';
export { pretrain, pretrainSteps } from './pretrain.js';
export { pretrainAsync } from './pretrainAsync.js';
export type { ProjectedSampling, TaskSource } from './source.js';
export { suiteSource } from './source.js';
export type { SuiteSourceSpec } from './suiteSourceSpec.js';
export { suiteSourceFromSpec, suiteSourceFromSpecAsync } from './suiteSourceSpec.js';
export type { TaskStepOptions, TaskStepResult } from './taskStep.js';
export { taskStep } from './taskStep.js';
export type {
  NodeWorkerLike,
  PretrainWorker,
  PretrainWorkerOptions,
  WebWorkerLike,
} from './workerOptions.js';
