import type { FloatArray } from '../dtype.js';

// Cache-blocked GEMM after Goto and van de Geijn (2008), "Anatomy of high-performance matrix
// multiplication": B is packed into KC x NC panels of 4-column strips, A into MC x KC blocks of
// 4-row strips, and a 4 x 4 register tile accumulates over KC. Packing reads any strides, so
// every transpose takes the same fast inner loop. Panels are float64 whatever the dtype: JS
// arithmetic is double precision, and reading doubles avoids a conversion in the inner loop.

const MR = 4;
const NR = 4;
const MC = 64;
const KC = 256;
const NC = 2048;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/** Strided GEMM, C = alpha * A B + beta * C; same contract as `gemmReference`. */
export function gemmBlocked(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
  b: FloatArray,
  sb0: number,
  sb1: number,
  ob: number,
  beta: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
): void {
  if (m === 0 || n === 0) return;
  if (beta !== 1) scaleC(m, n, beta, c, sc0, sc1, oc);
  if (k === 0 || alpha === 0) return;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const bp = packPanelB(kc, nc, b, sb0, sb1, ob + pc * sb0 + jc * sb1);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const ap = packBlockA(mc, kc, a, sa0, sa1, oa + ic * sa0 + pc * sa1);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            micro4x4(
              kc,
              ap,
              ir * kc,
              bp,
              jr * kc,
              alpha,
              c,
              sc0,
              sc1,
              oc + (ic + ir) * sc0 + (jc + jr) * sc1,
              mr,
              nr,
            );
          }
        }
      }
    }
  }
}

function scaleC(
  m: number,
  n: number,
  beta: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
): void {
  for (let i = 0; i < m; i++) {
    let o = oc + i * sc0;
    if (beta === 0) for (let j = 0; j < n; j++, o += sc1) c[o] = 0;
    else for (let j = 0; j < n; j++, o += sc1) c[o] *= beta;
  }
}

// Packs A[0:mc, 0:kc] into strips of MR rows: strip s holds, for p = 0..kc-1, the MR values
// A[s*MR + 0..MR-1, p] side by side; rows past mc are zero.
function packBlockA(
  mc: number,
  kc: number,
  a: FloatArray,
  sa0: number,
  sa1: number,
  oa: number,
): Float64Array {
  const need = Math.ceil(mc / MR) * MR * kc;
  if (packA.length < need) packA = new Float64Array(need);
  const ap = packA;
  for (let ir = 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const mr = Math.min(MR, mc - ir);
    for (let ii = 0; ii < MR; ii++) {
      let dst = base + ii;
      if (ii < mr) {
        let src = oa + (ir + ii) * sa0;
        for (let p = 0; p < kc; p++, src += sa1, dst += MR) ap[dst] = a[src];
      } else {
        for (let p = 0; p < kc; p++, dst += MR) ap[dst] = 0;
      }
    }
  }
  return ap;
}

// Packs B[0:kc, 0:nc] into strips of NR columns: strip s holds, for p = 0..kc-1, the NR values
// B[p, s*NR + 0..NR-1] side by side; columns past nc are zero.
function packPanelB(
  kc: number,
  nc: number,
  b: FloatArray,
  sb0: number,
  sb1: number,
  ob: number,
): Float64Array {
  const need = Math.ceil(nc / NR) * NR * kc;
  if (packB.length < need) packB = new Float64Array(need);
  const bp = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const base = jr * kc;
    const nr = Math.min(NR, nc - jr);
    for (let jj = 0; jj < NR; jj++) {
      let dst = base + jj;
      if (jj < nr) {
        let src = ob + (jr + jj) * sb1;
        for (let p = 0; p < kc; p++, src += sb0, dst += NR) bp[dst] = b[src];
      } else {
        for (let p = 0; p < kc; p++, dst += NR) bp[dst] = 0;
      }
    }
  }
  return bp;
}

function micro4x4(
  kc: number,
  ap: Float64Array,
  ao: number,
  bp: Float64Array,
  bo: number,
  alpha: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++, ao += 4, bo += 4) {
    const a0 = ap[ao];
    const a1 = ap[ao + 1];
    const a2 = ap[ao + 2];
    const a3 = ap[ao + 3];
    const b0 = bp[bo];
    const b1 = bp[bo + 1];
    const b2 = bp[bo + 2];
    const b3 = bp[bo + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (mr === 4 && nr === 4) {
    let o = oc;
    c[o] += alpha * c00;
    c[o + sc1] += alpha * c01;
    c[o + 2 * sc1] += alpha * c02;
    c[o + 3 * sc1] += alpha * c03;
    o += sc0;
    c[o] += alpha * c10;
    c[o + sc1] += alpha * c11;
    c[o + 2 * sc1] += alpha * c12;
    c[o + 3 * sc1] += alpha * c13;
    o += sc0;
    c[o] += alpha * c20;
    c[o + sc1] += alpha * c21;
    c[o + 2 * sc1] += alpha * c22;
    c[o + 3 * sc1] += alpha * c23;
    o += sc0;
    c[o] += alpha * c30;
    c[o + sc1] += alpha * c31;
    c[o + 2 * sc1] += alpha * c32;
    c[o + 3 * sc1] += alpha * c33;
    return;
  }
  const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) c[oc + i * sc0 + j * sc1] += alpha * acc[i * 4 + j];
  }
}
