// A small tour of @mtrl/tensors (run after building: node examples/demo.mjs).
import {
  frobeniusNorm,
  gemmInto,
  key,
  matmul,
  normal,
  split,
  toArray,
  zeros,
} from '../dist/index.js';

const [kx, kw] = split(key(0));
const x = normal(kx, [1024, 256], { dtype: 'float32' });
const w = normal(kw, [64, 256], { dtype: 'float32' });
const h = zeros([1024, 64], { dtype: 'float32' });
const t0 = performance.now();
gemmInto(h, x, w, { transB: true }); // h = x w^T without a transposed copy
const ms = performance.now() - t0;
const gram = matmul(w, w, { transB: true });
console.log(`x w^T: [${h.shape}] in ${ms.toFixed(1)} ms, |h|_F = ${frobeniusNorm(h).toFixed(2)}`);
console.log(
  `w w^T diagonal (about d = 256): ${toArray(gram)
    .slice(0, 3)
    .map((r, i) => r[i].toFixed(1))
    .join(', ')}`,
);
