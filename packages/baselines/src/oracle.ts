import { type Key, type Matrix, matmul, normal, normalizeRows, zeros } from '@mtrl/tensors';
import { checkSetup, represent } from './_setup.js';
import type { BaselineSetup, Representation } from './types.js';

/**
 * Oracle features (docs: Specification, 'Baselines'), the best any representation of this shape can
 * do: m neurons that see only the true projection `z = M x`, `relu(<u_j, z> + b_j)` with u_j
 * uniform on the unit sphere of R^r. As a layer, `W = U M` (`[m, d]`, unit rows inside
 * span(M^T), so its subspace energy is exactly 1) and zero biases; the probe features add the
 * same fresh biases as for every other method.
 * @param key - `{ run, features } = splitNamed(key, ['run', 'features'])`; the directions are
 *   `normal(run, [m, r])` with unit rows
 * @param setup - `{ gt, suite, config, inputs?, features? }`; only `gt` and `config.m` matter
 * @returns the representation of the oracle layer (float64)
 * @throws {TypeError} for a bad key or setup
 * @throws {RangeError} for an invalid config or an empty suite
 * @example
 * const rep = oracle(key(2), { gt, suite, config });
 * subspaceEnergy(rep.layer.w, gt); // returns 1
 */
export function oracle(key: Key, setup: BaselineSetup): Representation {
  const op = 'oracle';
  const c = checkSetup(op, key, setup);
  const m = c.config.m;
  const u = normalizeRows(normal(c.run, [m, setup.gt.r] as const));
  const basis =
    setup.gt.m.dtype === 'float64' ? (setup.gt.m as Matrix<'float64'>) : toF64(setup.gt.m);
  const w = matmul(u, basis);
  return represent(op, key, c, { w, b: zeros([m] as const) });
}

function toF64(m: Matrix): Matrix<'float64'> {
  const [r, d] = m.shape;
  const out = zeros([r, d] as const);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < d; j++)
      out.data[i * d + j] = m.data[m.offset + i * m.stride[0] + j * m.stride[1]];
  }
  return out;
}
