// @mtrl/tensors: keys, samplers, GEMM and small linear algebra.
import {
  backendKernels,
  frobeniusNorm,
  gemmInto,
  key,
  matmul,
  normal,
  orthonormalizeRows,
  registerBackend,
  split,
  svdThin,
  toArray,
  transpose,
  withBackend,
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

// A dense layer in one call: the bias and an elementwise map run in the GEMM's epilogue
// (a leaky map with slope 0 is max(0, .)).
const b = normal(kw, [32], { dtype: 'float32' });
gemmInto(h, x, w, { transB: true, bias: b, epilogue: { kind: 'leaky', slope: 0 } });
console.log(Math.min(...h.data)); // 0

// A backend of your own: here the TypeScript kernels, counting GEMM calls. withBackend runs a
// function with it and restores the previous backend afterwards, even when it throws.
const js = backendKernels('js');
let calls = 0;
registerBackend('counting', {
  gemm: (...args) => {
    calls++;
    return js.gemm(...args);
  },
  fillNormal: js.fillNormal,
  maskedGemm: js.maskedGemm,
});
withBackend('counting', () => matmul(x, w, { transB: true }));
console.log(calls); // 1

// Views share the buffer: transpose(w) is [64, 32] and copies nothing.
console.log(transpose(w).shape); // [64, 32]

// Singular values of w w^T, descending.
const { s } = svdThin(matmul(w, w, { transB: true }));
console.log(toArray(s).slice(0, 3));

// Orthonormal rows: q q^T = I, so ||q||_F^2 = number of rows.
const q = orthonormalizeRows(normal(kw, [4, 64]));
console.log(frobeniusNorm(q) ** 2); // 4 (up to rounding)
