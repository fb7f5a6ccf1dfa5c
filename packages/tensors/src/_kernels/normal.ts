import type { FloatArray } from '../dtype.js';
import type { Stream } from '../random/stream.js';
import { normalSlowPath, ZIGGURAT_KN, ZIGGURAT_WN } from '../random/ziggurat.js';

/**
 * Fills `n` elements of `out` (from `offset`, step `stride`) with standard normals drawn from
 * `s`, advancing it. The xoshiro128** state lives in locals in the hot loop; it is written back
 * to the stream before the rare slow path, which draws through the stream itself, and read
 * again after it. The result is the same sequence as `n` calls of `s.nextNormal()`.
 */
export function fillNormalKernel(
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
