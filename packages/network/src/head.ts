import {
  assertShape,
  assertTensor,
  type DType,
  type Matrix,
  matvec,
  type Vector,
} from '@mtrl/tensors';
import { lossDerivatives } from './grads.js';
import { type Loss, type LossSpec, resolveLoss } from './losses.js';

/**
 * Mean loss and head gradient `H^T g / n` on fixed features, for adapting a head while the first
 * layer is frozen (the features are computed once and reused across head steps).
 *
 * @param h - features `[n, m]`
 * @param a - head `[m]`
 * @param y - labels `[n]`
 * @param loss - a loss name or a {@link Loss} object
 * @returns the mean loss and the gradient `[m]`
 */
export function headLossAndGrad<D extends DType>(
  h: Matrix<D>,
  a: Vector<D>,
  y: Vector<D>,
  loss: LossSpec,
): { loss: number; grad: Vector<D> } {
  assertTensor('headLossAndGrad', 'h', h, 2);
  const [n, m] = h.shape;
  assertShape('headLossAndGrad', 'a', a, [m]);
  assertShape('headLossAndGrad', 'y', y, [n]);
  const f = matvec(h, a);
  const { loss: value, g } = lossDerivatives(resolveLoss(loss, 'headLossAndGrad'), y, f);
  const grad = matvec(h, g, { transA: true });
  const inv = n > 0 ? 1 / n : 0;
  for (let j = 0; j < m; j++) grad.data[j] *= inv;
  return { loss: value, grad };
}
