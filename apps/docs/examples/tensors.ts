// @mtrl/tensors: keys, samplers, GEMM and small linear algebra.
import {
  frobeniusNorm,
  gemmInto,
  key,
  matmul,
  normal,
  orthonormalizeRows,
  split,
  svdThin,
  toArray,
  transpose,
  zeros,
} from '@mtrl/tensors';

// Randomness is an argument: one key per draw, new keys from split.
const [kx, kw] = split(key(0));
const x = normal(kx, [512, 64], { dtype: 'float32' }); // [n, d]
const w = normal(kw, [32, 64], { dtype: 'float32' }); // [m, d]

// h = x w^T without materialising the transpose.
const h = zeros([512, 32], { dtype: 'float32' });
gemmInto(h, x, w, { transB: true });
console.log(h.shape); // [512, 32]

// Views share the buffer: transpose(w) is [64, 32] and copies nothing.
console.log(transpose(w).shape); // [64, 32]

// Singular values of w w^T, descending.
const { s } = svdThin(matmul(w, w, { transB: true }));
console.log(toArray(s).slice(0, 3));

// Orthonormal rows: q q^T = I, so ||q||_F^2 = number of rows.
const q = orthonormalizeRows(normal(kw, [4, 64]));
console.log(frobeniusNorm(q) ** 2); // 4 (up to rounding)
