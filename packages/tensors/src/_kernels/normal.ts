import type { FloatArray } from '../dtype.js';
import { foldIn, type Key } from '../random/key.js';
import { Stream } from '../random/stream.js';
import { normalSlowPath, ZIGGURAT_KN, ZIGGURAT_WN } from '../random/ziggurat.js';

/** Lanes of the bulk normal stream: element j of the output comes from lane j mod LANES. */
export const LANES = 4;
/** Elements per block; a multiple of LANES, so every block starts at lane 0. */
export const NORMAL_CHUNK = 4096;

/**
 * The four lane generators of the bulk normal stream for key `k`: lane i is the xoshiro128**
 * `Stream` of `foldIn(k, i)`.
 */
export function normalLanes(k: Key): Stream[] {
  return [0, 1, 2, 3].map((i) => new Stream(foldIn(k, i)));
}

/**
 * The bulk normal stream of `k` written to a `[rows, cols]` view of `out` (element (i, j) at
 * `offset + i * s0 + j * s1`) in row-major order: logical element e = i * cols + j is the
 * (e div 4)-th ziggurat draw (`Stream.nextNormal`) of lane e mod 4 (`normalLanes`). Each lane
 * is its own stream, its slow path included. This TypeScript kernel is the reference; a
 * float32 output holds the float64 draw rounded once.
 */
export function fillNormalKernel(
  k: Key,
  rows: number,
  cols: number,
  out: FloatArray,
  s0: number,
  s1: number,
  offset: number,
): void {
  const n = rows * cols;
  if (n === 0) return;
  const lanes = normalLanes(k);
  if (s1 === 1 && (rows === 1 || s0 === cols)) {
    for (let e = 0; e < n; e += NORMAL_CHUNK)
      fillNormalBlock(Math.min(NORMAL_CHUNK, n - e), out, offset + e, lanes);
    return;
  }
  // Strided: blocks into a scratch buffer (float64; storing into a float32 `out` rounds once),
  // then scattered in row-major order.
  const buf = new Float64Array(Math.min(NORMAL_CHUNK, n));
  let i = 0;
  let j = 0;
  for (let e = 0; e < n; e += NORMAL_CHUNK) {
    const len = Math.min(NORMAL_CHUNK, n - e);
    fillNormalBlock(len, buf, 0, lanes);
    for (let t = 0; t < len; t++) {
      out[offset + i * s0 + j * s1] = buf[t];
      if (++j === cols) {
        j = 0;
        i++;
      }
    }
  }
}

/** Elements `[offset, offset + len)` of `out` from the lanes, starting at lane 0. */
function fillNormalBlock(len: number, out: FloatArray, offset: number, lanes: Stream[]): void {
  for (let l = 0; l < LANES && l < len; l++)
    fillLane(((len - l + LANES - 1) / LANES) | 0, out, LANES, offset + l, lanes[l]);
}

/**
 * Fills `n` elements of `out` (from `offset`, step `stride`) with standard normals drawn from
 * `s`, advancing it: the same sequence as `n` calls of `s.nextNormal()`. The xoshiro128**
 * state lives in locals in the hot loop; it is written back to the stream before the rare
 * slow path, which draws through the stream itself, and read again after it.
 */
export function fillLane(
  n: number,
  out: FloatArray,
  stride: number,
  offset: number,
  s: Stream,
): void {
  const kn = ZIGGURAT_KN;
  const wn = ZIGGURAT_WN;
  let s0 = s.s0;
  let s1 = s.s1;
  let s2 = s.s2;
  let s3 = s.s3;
  let o = offset;
  for (let i = 0; i < n; i++, o += stride) {
    // xoshiro128** step, inlined.
    const m5 = Math.imul(s1, 5);
    const hz = Math.imul((m5 << 7) | (m5 >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) {
      out[o] = hz * wn[iz];
    } else {
      s.s0 = s0;
      s.s1 = s1;
      s.s2 = s2;
      s.s3 = s3;
      out[o] = normalSlowPath(s, hz, iz);
      s0 = s.s0;
      s1 = s.s1;
      s2 = s.s2;
      s3 = s.s3;
    }
  }
  s.s0 = s0;
  s.s1 = s1;
  s.s2 = s2;
  s.s3 = s3;
}
