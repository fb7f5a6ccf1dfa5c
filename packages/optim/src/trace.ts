import type { Tensor } from '@mtrl/tensors';
import { addScaledKernel } from './_kernels/addScaled.js';
import {
  checkParams,
  checkSameTree,
  checkState,
  flat,
  sizeOfTensor,
  zerosLike,
  zerosLikeParams,
} from './_params.js';
import { checkBoolean, checkDecay } from './_validate.js';
import type { Params, Transform } from './types.js';

/** State of {@link trace}: the momentum buffer, one tensor per parameter. */
export interface TraceState {
  /** The running trace `m_t`, zero at init, in the parameters' dtypes. */
  readonly trace: Params;
}

/**
 * Momentum: keeps a decaying trace of past updates (heavy ball, Polyak 1964), optionally with
 * Nesterov's look-ahead (Sutskever et al., "On the importance of initialization and momentum in
 * deep learning", ICML 2013):
 *
 *     m_t = g_t + decay * m_{t-1}          (m_0 = 0)
 *     u_t = m_t                            (heavy ball)
 *     u_t = g_t + decay * m_t              (nesterov)
 *
 * This is PyTorch's SGD momentum with no dampening; the learning rate is applied afterwards
 * by {@link scaleByLearningRate}.
 *
 * @param decay - the momentum coefficient, in `[0, 1)`
 * @param nesterov - use the Nesterov form (default `false`)
 * @returns the transform; its state holds the trace
 * @throws {RangeError} when `decay` is outside `[0, 1)` or NaN
 * @throws {TypeError} when `nesterov` is not a boolean
 * @example
 * const t = trace(0.9);
 * const s0 = t.init({ w: zeros([1]) });
 * const [, s1] = t.update({ w: fromArray([1]) }, s0);
 * const [u2] = t.update({ w: fromArray([1]) }, s1);
 * toArray(u2.w); // returns [1.9]
 */
export function trace(decay: number, nesterov = false): Transform<TraceState> {
  const op = 'trace';
  checkDecay(op, 'decay', decay);
  checkBoolean(op, 'nesterov', nesterov);
  return {
    init(params) {
      checkParams(`${op}.init`, 'params', params);
      return { trace: zerosLikeParams(params) };
    },
    update(grads, state) {
      const uop = `${op}.update`;
      checkParams(uop, 'grads', grads);
      checkState(uop, state);
      checkParams(uop, 'state.trace', state.trace);
      checkSameTree(uop, 'grads', grads, 'state.trace', state.trace);
      const updates: Record<string, Tensor> = {};
      const next: Record<string, Tensor> = {};
      for (const key of Object.keys(grads)) {
        const g = flat(grads[key]);
        const prev = flat(state.trace[key]);
        const n = sizeOfTensor(grads[key]);
        const m = zerosLike(state.trace[key]);
        addScaledKernel(n, m.data, g.data, g.offset, decay, prev.data, prev.offset);
        next[key] = m;
        if (nesterov) {
          const u = zerosLike(grads[key]);
          addScaledKernel(n, u.data, g.data, g.offset, decay, m.data, 0);
          updates[key] = u;
        } else {
          // The update is a copy, so a caller that edits it in place cannot corrupt the state.
          const u = zerosLike(grads[key]);
          u.data.set(m.data);
          updates[key] = u;
        }
      }
      return [updates, { trace: next }];
    },
  };
}
