export type { Activation, ActivationFunction, ActivationName } from './activation.js';
export { ACTIVATIONS, activation, checkActivation } from './activation.js';
export type { FitHeadOptions, FittedHead } from './fitHead.js';
export { fitHead } from './fitHead.js';
export { forward, hidden, preactivations } from './forward.js';
export type {
  Batch,
  GradsOptions,
  LayerGradAccumulators,
  LayerGradWorkspace,
  LossAndGrads,
} from './grads.js';
export { addLayerGrads, layerGradWorkspace, lossAndGrads, lossDerivatives } from './grads.js';
export { headLossAndGrad } from './head.js';
export type { BiasInit, InitLayerOptions, Layer } from './layer.js';
export { assertLayer, initBias, initLayer } from './layer.js';
export type { Loss, LossName, LossSpec } from './losses.js';
export { getLoss, LOSSES, resolveLoss } from './losses.js';
export type { NetworkJSON, SavedNetwork, StoredNumber } from './serialize.js';
export { loadNetwork, NETWORK_FORMAT, NETWORK_FORMAT_VERSION, saveNetwork } from './serialize.js';
export { VERSION } from './version.js';
