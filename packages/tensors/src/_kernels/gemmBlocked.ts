import type { FloatArray } from '../dtype.js';

// Cache-blocked GEMM after Goto and van de Geijn (2008), "Anatomy of high-performance matrix
// multiplication": B is packed into KC x NC panels of NR-column strips, A into MC x KC blocks of
// MR-row strips, and an MR x NR register tile accumulates over KC. Packing reads any strides, so
// every transpose takes the same inner loop, and it zero-pads ragged strips, so edges do too.
//
// Choices measured with bench/tensors.bench.ts and A/B runs at 1024 x 1024 x 256 (V8 11, x86-64,
// where JS arithmetic is scalar SSE2 double precision with 16 XMM registers):
// - A 3 x 4 tile: 12 accumulators + 3 + 4 operands is about what the registers hold (V8 still
//   spills a few). 4 x 3 runs the same; 4 x 4, 2 x 6 and 3 x 5 are 3-5 % slower; 2 x 4 and
//   4 x 2 load more per flop (~15 % slower); 4 x 8 spills heavily (~30 % slower); unrolling the
//   k loop by two is slower too. MC from 48 to 192 and KC from 256 to 384 are equally good;
//   KC = 128 is ~5 % slower.
// - Packed panels are plain `number[]` arrays of doubles (V8's PACKED_DOUBLE_ELEMENTS), not
//   Float64Arrays. Once anything in the process has detached an ArrayBuffer (a transfer in
//   postMessage or structuredClone; under tsx, loading a CommonJS dependency such as
//   ndarray-ops does it), V8 guards typed-array loads with a detached-buffer check, and the
//   typed-array kernel dropped from ~5.1 to ~4.2 GFLOP/s; the double-array kernel runs at
//   ~5.3-5.6 either way.
// - Panels hold doubles whatever the dtype, so the inner loop does no conversions, and the
//   micro-kernel touches only these arrays: it leaves its tile in `tile`, and a separate loop
//   adds the tile into C. A kernel that stores into C directly sees both Float32Array and
//   Float64Array, and once V8 has deoptimised it for the second dtype the re-optimised inner
//   loop ran ~30 % slower; this way the hot loop is monomorphic whatever the caller passes.

const MR = 3;
const NR = 4;
const MC = 96;
const KC = 256;
const NC = 2048;

// A double array of length n (push keeps it packed; a double literal makes it DOUBLE_ELEMENTS).
function doubles(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(0.5);
  return out;
}

// Grown on demand up to MC * KC and KC * NC doubles, then reused by every call.
let packA = doubles(0);
let packB = doubles(0);
const tile = doubles(MR * NR);

/**
 * Strided GEMM, C = alpha * A B + beta * C; same contract as `gemmReference` (A: [m, k],
 * B: [k, n], C: [m, n], element (i, j) of X at `X[offsetX + i * strideX0 + j * strideX1]`;
 * `beta = 0` overwrites C, so NaN in C is not propagated). C must not alias A or B.
 */
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
            micro3x4(kc, ap, ir * kc, bp, jr * kc);
            addTile(
              alpha,
              c,
              sc0,
              sc1,
              oc + (ic + ir) * sc0 + (jc + jr) * sc1,
              Math.min(MR, mc - ir),
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
): number[] {
  const need = Math.ceil(mc / MR) * MR * kc;
  if (packA.length < need) packA = doubles(need);
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
): number[] {
  const need = Math.ceil(nc / NR) * NR * kc;
  if (packB.length < need) packB = doubles(need);
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

// tile = (A strip at ao) (B strip at bo) over kc, for one MR x NR tile.
function micro3x4(kc: number, ap: number[], ao: number, bp: number[], bo: number): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  // Masking bounds the indices below 2^30 and putting both in the loop condition lets V8 type
  // them as bounded induction variables, so `i + 2` and `j + 3` need no overflow checks (~2 %).
  // Packs are far smaller than 2^30, so the masks never change a value.
  let i = ao & 0x3fffffff;
  let j = bo & 0x3fffffff;
  const endA = (i + 3 * kc) & 0x3fffffff;
  const endB = (j + 4 * kc) & 0x3fffffff;
  for (; i < endA && j < endB; i += 3, j += 4) {
    const a0 = ap[i];
    const a1 = ap[i + 1];
    const a2 = ap[i + 2];
    const b0 = bp[j];
    const b1 = bp[j + 1];
    const b2 = bp[j + 2];
    const b3 = bp[j + 3];
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
  }
  const t = tile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
}

// C[0:mr, 0:nr] += alpha * tile[0:mr, 0:nr].
function addTile(
  alpha: number,
  c: FloatArray,
  sc0: number,
  sc1: number,
  oc: number,
  mr: number,
  nr: number,
): void {
  const t = tile;
  for (let i = 0; i < mr; i++) {
    let o = oc + i * sc0;
    for (let j = 0; j < nr; j++, o += sc1) c[o] += alpha * t[i * NR + j];
  }
}
