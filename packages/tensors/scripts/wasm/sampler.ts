// WAT source of the WebAssembly SIMD bulk normal sampler of @mtrl/tensors (the `wasm`
// backend's `fillNormal`). `scripts/wasm/build.ts` assembles it with the `wabt` npm package
// into `src/_kernels/wasm/sampler.generated.ts`; run
// `pnpm --filter @mtrl/tensors exec tsx scripts/wasm/build.ts --sampler-wat` to see the text.
//
// The stream (see src/_kernels/normal.ts, the TypeScript reference): four xoshiro128** lanes,
// element e of a block from lane e mod 4, each lane a Marsaglia–Tsang ziggurat stream.
// - The module owns one 64 KiB page: the lane states (structure of arrays: word w of lane l at
//   byte 16 w + 4 l, so each word row is one i32x4), the ziggurat tables (KN as int32, WN and
//   FN as float64, copied in from the TypeScript tables), a scratch row and an output block.
// - `fill_f64(groups)` / `fill_f32(groups)` write 4 * groups draws to the output block: one
//   i32x4 xoshiro step gives the 4 lanes' words hz; the fast-path test |hz| < KN[hz & 127] is
//   one unsigned i32x4 compare after 4 lane gathers; the values hz * WN[iz] are two f64x2
//   products (float32: demoted, i.e. rounded once, as the reference stores them). The hot loop
//   runs UNROLL groups per pass (one end test per pass while that many are left) and tests
//   each group with i32x4.bitmask of the compare.
// - A group with a rejected lane (about 10 % of groups: 2.7 % of draws) leaves the hot loop for
//   the one slow path of its fill function, out of line after the loop body: the state vectors
//   go to `state` and hz to `scratch`, then for each clear bit l of the mask the scalar slow
//   path (inlined, no call: a call would spill every v128 local) runs on lane l's words loaded
//   from memory, drawing further words from that lane only; its draw goes to p + l * es and
//   the lane's words back into the state rows (bitselect, see `slow`); the vectors are loaded
//   again after the last rejected lane. It decides y < exp(-x^2 / 2) with a polynomial exp
//   whose proven error is far inside a band, and calls the imported Math.exp inside the band
//   (Math.log for the tail), so its numbers are the reference's bit for bit.
//
// Speed, million draws per second, float32 / float64 (`pnpm --filter @mtrl/tensors
// bench:normal --repeats 21`: normalInto [1024, 1024], medians; AMD EPYC, 2 cores shared with
// other jobs, Node 20.20.2; six invocations, the committed module swapped between the previous
// one and this one in turn):
//   this design                                                 380–396 / 348–385
//   previous design (four inlined copies of the slow path, one
//   per lane, inside the hot loop, tested by i32x4.all_true)     261–354 / 259–328
//   (the figures quoted for it before, on a quieter machine: 325–342 / 321–324).
// Steps, measured side by side (a throwaway script: old and new module in one process, the
// same keys, runs alternating, medians of 41 runs of 2^20 draws), gain over the previous design:
//   bitmask slow path, state written back by four i32 stores       ±1 %  (dropped: the
//     v128 reloads of rows just written by i32 stores miss store-to-load forwarding)
//   ... the same with bitselect rows                                 +4–5 %
//   ... plus the slow path out of line, UNROLL = 8, i32x4.all_true   +8–10 %
//   ... plus the group test by i32x4.bitmask (kept for the slow path) +14–18 %
//   final (UNROLL = 4), six invocations: f32 367–419 vs 314–357, f64 337–405 vs 292–351.
//   UNROLL 1 / 2 / 4 / 8 / 16 with the bitmask test: 1 is 3–4 % slower, 2 about 1 %, and 4,
//     8 and 16 the same within noise (kept: 4, the smallest).
// Tried and dropped (no difference beyond the noise of about 2 %): 2^k in the polynomial exp
// from the bits of k + 1.5 * 2^52 instead of f64.nearest and i64.trunc_f64_s; KN stored with
// the stride of WN (8 bytes) so one vector of byte offsets 8 iz serves both gathers without
// scalar shifts.

/** Byte layout of the sampler memory. */
export const SAMPLER_LAYOUT = {
  /** 4 x i32x4 lane states (64 bytes). */
  state: 0,
  /** KN[i] ^ 2^31 as int32, 128 of them (512 bytes). */
  kn: 64,
  /** WN[128] as float64 (1024 bytes). */
  wn: 576,
  /** FN[128] as float64 (1024 bytes). */
  fn: 1600,
  /**
   * Scratch for the slow path (16 bytes): the i32x4 hz of the group being repaired, lane l at
   * byte 4 l (the lane states are spilled to `state` meanwhile).
   */
  scratch: 2624,
  /** The output block: `chunk` float64 or float32 values. */
  out: 4096,
  /** Values per block, a multiple of 4. */
  chunk: 4096,
} as const;

const L = SAMPLER_LAYOUT;
// Groups per pass of the hot loop (the header has the measurements).
const UNROLL = 4;
// The tail start of the ziggurat, as in src/random/ziggurat.ts.
const R = '3.442619855899';

// One xoshiro128** step of the lane state in locals $a $b $c $d (scratch $t): an expression
// giving the output word.
const next = `(block (result i32)
        (local.set $t32 (i32.shl (local.get $b) (i32.const 9)))
        (local.set $w (i32.mul (i32.rotl (i32.mul (local.get $b) (i32.const 5)) (i32.const 7)) (i32.const 9)))
        (local.set $c (i32.xor (local.get $c) (local.get $a)))
        (local.set $d (i32.xor (local.get $d) (local.get $b)))
        (local.set $b (i32.xor (local.get $b) (local.get $c)))
        (local.set $a (i32.xor (local.get $a) (local.get $d)))
        (local.set $c (i32.xor (local.get $c) (local.get $t32)))
        (local.set $d (i32.rotl (local.get $d) (i32.const 11)))
        (local.get $w))`;

// Stream.nextOpenUnit: (u + 0.5) 2^-32.
const unit = `(f64.mul
        (f64.add (f64.convert_i32_u ${next}) (f64.const 0.5))
        (f64.const 2.3283064365386963e-10))`;

// exp(z) for z in [-6, 0] (the slow path's range: z = -x^2 / 2, |x| <= R), cheap and with a
// proven error bound: z = k ln 2 + r with |r| <= ln(2) / 2 (Cody–Waite, fdlibm's split of
// ln 2), exp(r) by its Taylor polynomial of degree 8 (remainder below
// (ln 2 / 2)^9 / 9! * e^0.35 < 3e-10, rounding about 1e-15) in Estrin form, times 2^k.
const expInline = `(block (result f64)
    (local.set $k (f64.nearest (f64.mul (local.get $z) (f64.const 1.4426950408889634))))
    (local.set $r (f64.sub
      (f64.sub (local.get $z) (f64.mul (local.get $k) (f64.const 6.93147180369123816490e-01)))
      (f64.mul (local.get $k) (f64.const 1.90821492927058770002e-10))))
    (local.set $r2 (f64.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64.mul (local.get $r2) (local.get $r2)))
    (f64.mul
      ${estrin8()}
      (f64.reinterpret_i64 (i64.shl
        (i64.add (i64.trunc_f64_s (local.get $k)) (i64.const 1023)) (i64.const 52)))))
`;
const expApprox = `
  (func $expApprox (export "exp_approx") (param $z f64) (result f64)
    (local $k f64) (local $r f64) (local $r2 f64) (local $r4 f64)
    ${expInline})
`;

// sum_{i <= 8} r^i / i! as ((c0 + c1 r) + r2 (c2 + c3 r)) + r4 (((c4 + c5 r) + r2 (c6 + c7 r))
// + r4 c8): a short dependency chain.
function estrin8(): string {
  let fact = 1;
  const c = [1];
  for (let i = 1; i <= 8; i++) c.push(1 / (fact *= i));
  const lin = (a: number, b: number) =>
    `(f64.add (f64.const ${c[a]}) (f64.mul (local.get $r) (f64.const ${c[b]})))`;
  const add = (a: string, b: string) => `(f64.add ${a} ${b})`;
  const mul = (v: string, a: string) => `(f64.mul (local.get ${v}) ${a})`;
  const lo = add(lin(0, 1), mul('$r2', lin(2, 3)));
  const hi = add(add(lin(4, 5), mul('$r2', lin(6, 7))), mul('$r4', `(f64.const ${c[8]})`));
  return add(lo, mul('$r4', hi));
}

// Half-width of the band, relative, around the approximation where the slow path asks
// Math.exp itself: 30 times the approximation's error bound (Math.exp's own error, < 1 ulp, is
// far smaller), so outside the band the comparison y < Math.exp(z) is decided as Math.exp
// would decide it, and inside it (rarely: under one draw in 1e5 reaches it) Math.exp decides.
export const EXP_BAND = 1e-8;

// normalSlowPath of src/random/ziggurat.ts, operation for operation, inlined for one lane:
// state in locals $a $b $c $d, first word $h, layer $i; the draw is the value of the block
// (label suffix `s`: the dtype of the fill function it is inlined in).
const slowBody = (band: number, s: string) => {
  const ret = (v: string) => `(br $done${s} ${v})`;
  return `(block $done${s} (result f64)
    (loop $again${s}
      (local.set $x (f64.mul (f64.convert_i32_s (local.get $h))
        (f64.load offset=${L.wn} (i32.shl (local.get $i) (i32.const 3)))))
      (if (i32.eqz (local.get $i))
        (then
          (loop $tail${s}
            (local.set $tx (f64.div (f64.neg (call $log ${unit})) (f64.const ${R})))
            (local.set $ty (f64.neg (call $log ${unit})))
            (br_if $tail${s} (f64.lt (f64.add (local.get $ty) (local.get $ty))
                                 (f64.mul (local.get $tx) (local.get $tx)))))
          ${ret(`(select
            (f64.add (f64.const ${R}) (local.get $tx))
            (f64.sub (f64.const -${R}) (local.get $tx))
            (i32.gt_s (local.get $h) (i32.const 0)))`)}))
      (local.set $f (f64.load offset=${L.fn} (i32.shl (local.get $i) (i32.const 3))))
      (local.set $y (f64.add (local.get $f)
        (f64.mul ${unit}
          (f64.sub (f64.load offset=${L.fn - 8} (i32.shl (local.get $i) (i32.const 3)))
                   (local.get $f)))))
      (local.set $z (f64.mul (f64.mul (f64.const -0.5) (local.get $x)) (local.get $x)))
      ;; y < Math.exp(z), decided by the approximation when y is clear of its error band.
      (local.set $e ${expInline})
      (if (f64.lt (local.get $y) (f64.mul (local.get $e) (f64.const ${1 - band})))
        (then ${ret('(local.get $x)')}))
      (if (i32.eqz (f64.gt (local.get $y) (f64.mul (local.get $e) (f64.const ${1 + band}))))
        (then (if (f64.lt (local.get $y) (call $exp (local.get $z)))
          (then ${ret('(local.get $x)')}))))
      (local.set $h ${next})
      (local.set $i (i32.and (local.get $h) (i32.const 127)))
      (if (i32.lt_u
            (select (local.get $h) (i32.sub (i32.const 0) (local.get $h))
                    (i32.ge_s (local.get $h) (i32.const 0)))
            (i32.xor (i32.load offset=${L.kn} (i32.shl (local.get $i) (i32.const 2)))
                     (i32.const 0x80000000)))
        (then ${ret(`(f64.mul (f64.convert_i32_s (local.get $h))
          (f64.load offset=${L.wn} (i32.shl (local.get $i) (i32.const 3))))`)}))
      (br $again${s}))
    (unreachable))`;
};

function fill(t: 'f32' | 'f64', band: number): string {
  const es = t === 'f32' ? 4 : 8;
  const lane = (l: number) => `(i32x4.extract_lane ${l} (local.get $iz))`;
  const store =
    t === 'f64'
      ? `(v128.store (local.get $p) (local.get $lo))
        (v128.store offset=16 (local.get $p) (local.get $hi))`
      : `(v128.store (local.get $p)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))`;
  const vecs = ['$s0', '$s1', '$s2', '$s3'];
  const words = ['$a', '$b', '$c', '$d'];
  // Row w of the lane states in memory (word w of lane l at byte 16 w + 4 l).
  const row = (w: number) => `offset=${L.state + 16 * w}`;
  // The slow lane's draw $v to p + l * es ($o = 4 l), float32 rounded once.
  const slowStore =
    t === 'f64'
      ? '(f64.store (i32.add (local.get $p) (i32.shl (local.get $o) (i32.const 1))) (local.get $v))'
      : '(f32.store (i32.add (local.get $p) (local.get $o)) (f32.demote_f64 (local.get $v)))';
  // Some lane rejected ($ok4, the mask of accepted lanes, is not 15): the state vectors to
  // their rows and hz to the scratch row; then for each rejected lane l (a clear bit of the
  // mask, $o = 4 l) its words from the rows, the slow path inlined (once per fill function),
  // its draw stored and its words back into the rows; then the vectors from the rows again.
  // The words go back as whole rows, row w = bitselect(splat(word w), row w, lane mask $lm):
  // four i32 stores into the rows, read back as v128 right after, miss store-to-load
  // forwarding and cost about 5 % (see the header).
  const slow = `
          ${vecs.map((v, w) => `(v128.store ${row(w)} (i32.const 0) (local.get ${v}))`).join('\n          ')}
          (v128.store offset=${L.scratch} (i32.const 0) (local.get $hz))
          (local.set $rej (i32.xor (local.get $ok4) (i32.const 15)))
          (loop $lanes
            (local.set $o (i32.shl (i32.ctz (local.get $rej)) (i32.const 2)))
            ${words.map((x, w) => `(local.set ${x} (i32.load ${row(w)} (local.get $o)))`).join('\n            ')}
            (local.set $h (i32.load offset=${L.scratch} (local.get $o)))
            (local.set $i (i32.and (local.get $h) (i32.const 127)))
            (local.set $v ${slowBody(band, t)})
            ${slowStore}
            (local.set $lm (i32x4.eq (i32x4.splat (local.get $o)) (v128.const i32x4 0 4 8 12)))
            ${words
              .map(
                (x, w) => `(v128.store ${row(w)} (i32.const 0) (v128.bitselect
              (i32x4.splat (local.get ${x})) (v128.load ${row(w)} (i32.const 0)) (local.get $lm)))`,
              )
              .join('\n            ')}
            (br_if $lanes (local.tee $rej
              (i32.and (local.get $rej) (i32.sub (local.get $rej) (i32.const 1))))))
          ${vecs.map((v, w) => `(local.set ${v} (v128.load ${row(w)} (i32.const 0)))`).join('\n          ')}`;
  // One group: 4 draws stored at p; on to $slow (p unchanged) if a lane was rejected, else p
  // advanced.
  const group = `
        ;; xoshiro128** on the four lanes.
        ;; (rotl(s1 * 5, 7)) * 9, the multiplications as shifts and adds (mod 2^32).
        (local.set $m (i32x4.add (i32x4.shl (local.get $s1) (i32.const 2)) (local.get $s1)))
        (local.set $m (v128.or (i32x4.shl (local.get $m) (i32.const 7)) (i32x4.shr_u (local.get $m) (i32.const 25))))
        (local.set $hz (i32x4.add (i32x4.shl (local.get $m) (i32.const 3)) (local.get $m)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        ;; iz = hz & 127; fast path where |hz| < KN[iz] as unsigned numbers (|-2^31| = 2^31), as
        ;; a signed compare with both sides offset by 2^31 (the table holds KN[i] ^ 2^31).
        (local.set $iz (v128.and (local.get $hz) (v128.const i32x4 127 127 127 127)))
        (local.set $ok (i32x4.lt_s
          (v128.xor (i32x4.abs (local.get $hz)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
          (v128.load32_lane offset=${L.kn} 3 (i32.shl ${lane(3)} (i32.const 2))
            (v128.load32_lane offset=${L.kn} 2 (i32.shl ${lane(2)} (i32.const 2))
              (v128.load32_lane offset=${L.kn} 1 (i32.shl ${lane(1)} (i32.const 2))
                (v128.load32_zero offset=${L.kn} (i32.shl ${lane(0)} (i32.const 2))))))))
        ;; x = hz * WN[iz] in float64.
        (local.set $lo (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $hz))
          (v128.load64_lane offset=${L.wn} 1 (i32.shl ${lane(1)} (i32.const 3))
            (v128.load64_zero offset=${L.wn} (i32.shl ${lane(0)} (i32.const 3))))))
        (local.set $hi (f64x2.mul
          (f64x2.convert_low_i32x4_s
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hz) (local.get $hz)))
          (v128.load64_lane offset=${L.wn} 1 (i32.shl ${lane(3)} (i32.const 3))
            (v128.load64_zero offset=${L.wn} (i32.shl ${lane(2)} (i32.const 3))))))
        ${store}
        (br_if $slow (i32.ne (local.tee $ok4 (i32x4.bitmask (local.get $ok))) (i32.const 15)))
        (local.set $p (i32.add (local.get $p) (i32.const ${4 * es})))`;
  return `
  (func (export "fill_${t}") (param $groups i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $hz v128) (local $m v128) (local $t v128) (local $iz v128) (local $ok v128)
    (local $lo v128) (local $hi v128) (local $p i32) (local $end i32) (local $ok4 i32) (local $rej i32) (local $o i32) (local $lm v128)
    (local $v f64) (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $t32 i32)
    (local $w i32) (local $h i32) (local $i i32) (local $x f64) (local $tx f64) (local $ty f64)
    (local $f f64) (local $y f64) (local $z f64) (local $e f64) (local $k f64) (local $r f64)
    (local $r2 f64) (local $r4 f64)
    (local.set $s0 (v128.load offset=${L.state} (i32.const 0)))
    (local.set $s1 (v128.load offset=${L.state + 16} (i32.const 0)))
    (local.set $s2 (v128.load offset=${L.state + 32} (i32.const 0)))
    (local.set $s3 (v128.load offset=${L.state + 48} (i32.const 0)))
    (local.set $p (i32.const ${L.out}))
    (local.set $end (i32.add (i32.const ${L.out}) (i32.mul (local.get $groups) (i32.const ${4 * es}))))
    (block $done
      (loop $group
        (block $slow
          ;; ${UNROLL} groups while that many are left, without the end test.
          (if (i32.le_u (i32.add (local.get $p) (i32.const ${UNROLL * 4 * es})) (local.get $end))
            (then ${Array(UNROLL).fill(group).join('')}
              (br $group)))
          ;; The last groups one at a time.
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          ${group}
          (br $group))
        ${slow}
        (local.set $p (i32.add (local.get $p) (i32.const ${4 * es})))
        (br $group)))
    (v128.store offset=${L.state} (i32.const 0) (local.get $s0))
    (v128.store offset=${L.state + 16} (i32.const 0) (local.get $s1))
    (v128.store offset=${L.state + 32} (i32.const 0) (local.get $s2))
    (v128.store offset=${L.state + 48} (i32.const 0) (local.get $s3)))
`;
}

/**
 * The sampler module's WAT text; `band` (default `EXP_BAND`) is for tests, which widen it to
 * send the slow path's comparisons to Math.exp.
 */
export function samplerWat(band = EXP_BAND): string {
  return `;; Generated by scripts/wasm/sampler.ts.
(module
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "math" "log" (func $log (param f64) (result f64)))
  (memory (export "memory") 1 1)
${expApprox}${fill('f64', band)}${fill('f32', band)})
`;
}
