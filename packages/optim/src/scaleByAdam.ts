import type { Tensor } from '@mtrl/tensors';
import { adamKernel } from './_kernels/adam.js';
import {
  checkParams,
  checkSameTree,
  checkState,
  flat,
  sizeOfTensor,
  zerosLike,
  zerosLikeParams,
} from './_params.js';
import { checkCount, checkDecay, checkNonNegative } from './_validate.js';
import type { Params, Transform } from './types.js';

/** State of {@link scaleByAdam}: its own step count and the two moment estimates. */
export interface ScaleByAdamState {
  /** Updates made so far (the bias corrections use `count + 1` on the next update). */
  readonly count: number;
  /** First-moment (mean) estimate `mu`, one tensor per parameter. */
  readonly mu: Params;
  /** Second-moment (uncentred variance) estimate `nu`, one tensor per parameter. */
  readonly nu: Params;
}

/**
 * Rescales gradients by Adam's bias-corrected moment estimates (Kingma & Ba, "Adam: A Method
 * for Stochastic Optimization", ICLR 2015):
 *
 *     mu_t = b1 * mu_{t-1} + (1 - b1) * g_t
 *     nu_t = b2 * nu_{t-1} + (1 - b2) * g_t^2
 *     u_t  = (mu_t / (1 - b1^t)) / (sqrt(nu_t / (1 - b2^t)) + eps)
 *
 * with `t = 1` on the first update. Moments are kept in the parameters' dtypes. Follow it with
 * {@link scaleByLearningRate} (see {@link adam}).
 *
 * @param b1 - decay of the first moment, in `[0, 1)` (default 0.9)
 * @param b2 - decay of the second moment, in `[0, 1)` (default 0.999)
 * @param eps - added to the denominator for stability, finite and `>= 0` (default 1e-8)
 * @returns the transform; its state holds the step count and both moments
 * @throws {RangeError} when `b1` or `b2` is outside `[0, 1)`, or `eps` is negative or not finite
 * @example
 * const t = scaleByAdam();
 * const [u] = t.update({ w: fromArray([0.5, -2]) }, t.init({ w: zeros([2]) }));
 * toArray(u.w); // returns ≈ [1, -1]: the first step is sign(g), up to eps
 */
export function scaleByAdam(b1 = 0.9, b2 = 0.999, eps = 1e-8): Transform<ScaleByAdamState> {
  const op = 'scaleByAdam';
  checkDecay(op, 'b1', b1);
  checkDecay(op, 'b2', b2);
  checkNonNegative(op, 'eps', eps);
  return {
    init(params) {
      checkParams(`${op}.init`, 'params', params);
      return { count: 0, mu: zerosLikeParams(params), nu: zerosLikeParams(params) };
    },
    update(grads, state) {
      const uop = `${op}.update`;
      checkParams(uop, 'grads', grads);
      checkState(uop, state);
      const count = checkCount(uop, 'state.count', state.count) + 1;
      checkParams(uop, 'state.mu', state.mu);
      checkParams(uop, 'state.nu', state.nu);
      checkSameTree(uop, 'grads', grads, 'state.mu', state.mu);
      checkSameTree(uop, 'grads', grads, 'state.nu', state.nu);
      const c1 = 1 - b1 ** count;
      const c2 = 1 - b2 ** count;
      const updates: Record<string, Tensor> = {};
      const mu: Record<string, Tensor> = {};
      const nu: Record<string, Tensor> = {};
      for (const key of Object.keys(grads)) {
        const g = flat(grads[key]);
        const m0 = flat(state.mu[key]);
        const v0 = flat(state.nu[key]);
        const u = zerosLike(grads[key]);
        const m = zerosLike(state.mu[key]);
        const v = zerosLike(state.nu[key]);
        adamKernel(
          sizeOfTensor(grads[key]),
          u.data,
          m.data,
          v.data,
          g.data,
          g.offset,
          m0.data,
          m0.offset,
          v0.data,
          v0.offset,
          b1,
          b2,
          c1,
          c2,
          eps,
        );
        updates[key] = u;
        mu[key] = m;
        nu[key] = v;
      }
      return [updates, { count, mu, nu }];
    },
  };
}
