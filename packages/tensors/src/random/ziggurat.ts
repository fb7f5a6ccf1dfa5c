// Marsaglia and Tsang (2000), "The Ziggurat Method for Generating Random Variables", J. Stat.
// Softw. 5(8): the 128-layer RNOR for the standard normal, driven by 32-bit words of
// xoshiro128**. The fast path uses only a table lookup and one multiplication; the slow path
// (about 2.5 % of draws) uses Math.exp and Math.log, which V8 implements with its own fdlibm
// port, so the stream is bit-identical on every platform running V8 (Node, Chromium).

/** Layer count and tail start of the ziggurat. */
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const M1 = 2147483648.0;

/** kn[i]: acceptance bound for |hz| in layer i; wn[i]: scale from int32 to x; fn[i] = f(x_i). */
export const ZIGGURAT_KN = new Float64Array(128);
export const ZIGGURAT_WN = new Float64Array(128);
export const ZIGGURAT_FN = new Float64Array(128);

(() => {
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  ZIGGURAT_KN[0] = Math.floor((dn / q) * M1);
  ZIGGURAT_KN[1] = 0;
  ZIGGURAT_WN[0] = q / M1;
  ZIGGURAT_WN[127] = dn / M1;
  ZIGGURAT_FN[0] = 1.0;
  ZIGGURAT_FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2.0 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    ZIGGURAT_KN[i + 1] = Math.floor((dn / tn) * M1);
    tn = dn;
    ZIGGURAT_FN[i] = Math.exp(-0.5 * dn * dn);
    ZIGGURAT_WN[i] = dn / M1;
  }
})();

/** The minimal generator interface the sampler needs. */
export interface Int32Source {
  nextInt32(): number;
  nextOpenUnit(): number;
}

/** The slow path for a rejected first draw `hz` in layer `iz`. */
export function normalSlowPath(src: Int32Source, hz: number, iz: number): number {
  const kn = ZIGGURAT_KN;
  const wn = ZIGGURAT_WN;
  const fn = ZIGGURAT_FN;
  for (;;) {
    const x = hz * wn[iz];
    if (iz === 0) {
      // The tail beyond R, sampled by Marsaglia's exponential method.
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(src.nextOpenUnit()) / R;
        ty = -Math.log(src.nextOpenUnit());
      } while (ty + ty < tx * tx);
      return hz > 0 ? R + tx : -R - tx;
    }
    if (fn[iz] + src.nextOpenUnit() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
    hz = src.nextInt32();
    iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}

/** One standard normal from a 32-bit source. */
export function normalFromStream(src: Int32Source): number {
  const hz = src.nextInt32();
  const iz = hz & 127;
  if (Math.abs(hz) < ZIGGURAT_KN[iz]) return hz * ZIGGURAT_WN[iz];
  return normalSlowPath(src, hz, iz);
}
