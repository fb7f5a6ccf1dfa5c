import { expectTypeOf } from 'vitest';
import {
  type AdamState,
  adam,
  chain,
  clipByGlobalNorm,
  type EmptyState,
  type ScaleByAdamState,
  type ScaleByLearningRateState,
  scaleByAdam,
  scaleByLearningRate,
  type TraceState,
  type Transform,
  trace,
} from './index.js';

// chain's state is the tuple of its transforms' states, in order.
const opt = chain(clipByGlobalNorm(1), trace(0.9), scaleByLearningRate(0.1));
expectTypeOf(opt).toEqualTypeOf<
  Transform<readonly [EmptyState, TraceState, ScaleByLearningRateState]>
>();

const a = chain(scaleByAdam(), scaleByLearningRate(1e-3));
expectTypeOf(a.init({})).toEqualTypeOf<readonly [ScaleByAdamState, ScaleByLearningRateState]>();
expectTypeOf(adam(1e-3).init({})).toEqualTypeOf<AdamState>();
