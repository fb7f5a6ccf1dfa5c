// WAT source of the `wasm` backend of @mtrl/tensors, written out by TypeScript so the
// register tiles can be unrolled without copy-paste. `scripts/wasm/build.ts` assembles it with
// the `wabt` npm package into `src/_kernels/wasm/module.generated.ts`; run
// `pnpm --filter @mtrl/tensors exec tsx scripts/wasm/build.ts --wat` to see the text.
//
// Design (after Goto and van de Geijn 2008, and the probe kernel described in issue 7):
// - GEMM C = alpha A B + beta C on strided operands already copied into linear memory. B is
//   packed once per call into strips of NR columns (for each p, the NR values B[p, j..j+NR)
//   side by side), A into blocks of MB rows made of MR-row strips. An MR x NR register tile
//   accumulates over the whole K given (the caller splits K into chunks of at most KC), then
//   is written to C once. The tile depends on the build (TILES, exported with the module as
//   KERNEL_TILES so the loaders size buffers and blocks to match): plain 4 x 8 in f32 and
//   4 x 4 in f64 (eight v128 accumulators, MB = 64); fma 3 x 12 and 3 x 6 (nine accumulators,
//   three B vectors and one broadcast: 13 of the 15 allocatable xmm registers, MB = 63).
//   The tile does not change the order in which an entry of C sums over K, so both fma tiles
//   give the same results bit for bit.
// - The last B strip, when ragged, runs a narrow copy of the micro kernel that multiplies only
//   the v128 columns it needs (at N = 256 the fma f32 tile would otherwise spend 8 of 264
//   columns on zero padding). A last strip of one v128 takes NARROW_STRIPS row strips per call:
//   an MR x 4 tile alone has MR accumulators, too few to cover the multiply-add latency.
// - A that is unit-stride along K (A B and A B^T with a row-major A: every pretraining
//   product but the masked one) is not packed: the `rows` micro kernels keep one pointer per
//   tile row into A where it lies. Packing and in-place kernels sum every entry of C over K
//   in the same order, so the bits do not depend on A's layout (tested).
// - Packing takes a contiguous fast path (v128 loads) when the strip direction is unit-stride,
//   a transposing one (4 x 4 or 2 x 2 register transposes) when K is unit-stride, and a scalar
//   path otherwise and for ragged strips, which it pads with zeros. Strip widths that are not
//   a multiple of the transpose (3 rows of A in the fma build) or of 16 bytes are finished
//   with lane loads and stores (8 + 4 bytes), so packing never touches bytes outside its strip.
// - The masked first-layer product out = alpha ((z > 0) ⊙ (g a^T))^T x + beta out is the same
//   GEMM with A = ((z > 0) ⊙ (g a^T))^T formed while packing A, so the n x m factor only ever
//   exists as one packed row block.
// - Addresses are byte offsets (i32), strides are in elements and may be negative. Bytes
//   [0, 256) are the tile spill area (MR x NR values, at most 144 bytes) used for ragged or
//   strided stores of C.
// - Two builds of the module: plain (f32x4.mul then f32x4.add) and `fma` (relaxed_madd, one
//   fused multiply-add on x64 with FMA3), chosen at load time by validating a relaxed-SIMD probe.
//
// Measured (bench/gemm-parts.bench.ts, Node 20.20 / V8 11.3, one core of a Zen 5 EPYC at
// ~3.45 GHz, 1024x1024 by 1024x256 A B, A^T B, A B^T and the masked product, GFLOP/s f32 /
// f64): plain kernel 40-42 / 20-21, end to end 38-41 / 19.6-19.9 (quiet machine). fma, old
// 4 x 8 / 4 x 4 and new 3 x 12 / 3 x 6 tiles interleaved call by call in one process on a
// shared machine (two runs, medians of 21 and 31): kernel 45.7-48.1 / 22.5-23.5 -> 45.7-48.5 /
// 23.0-24.0 (best single calls 49.2 / 25.1); end to end through gemmWasm 43.2-45.9 / 21.9-23.1
// -> 44.5-46.3 / 22.6-23.9. f32 gains 0-1 % except in the masked product (+3-5 %), f64 2-4 %.
// Split with the pack and block functions exported (A B, fma 3 x 12, the quietest of several
// samples): whole kernel 49.4 / 24.8, block calls on packed operands alone 51.6 / 25.7, packing
// A 0.35 / 0.64 ms (~3 %) and B 0.10 / 0.17 ms (~1 %) of 10.9 / 21.6 ms.
// Copies are ~3 % of a call, packing ~5 %. The fma peak of one core is 2 FMAs a
// cycle, 55 f32 / 27.6 f64, so the 50 / 25 targets need ~90 % of it. With the operands in L1
// the plain 4 x 8 micro kernel alone does ~41 f32: TurboFan emits ~30 instructions per k step
// (8 mul, 8 add, 2 loads, 4 broadcast loads, a stack check, two zero-extensions, pointer
// bumps, compare, branch), and ~5.5 of them retire per cycle. The fma 3 x 12 step is 20
// instructions (node --print-wasm-code): 9 vfmadd231ps, 3 vmovdqu and 3 vbroadcastss with
// memory operands, the stack check (cmp, jna), one zero-extension, two adds, cmp, jc; all
// 13 v128 values stay in registers.
// In-place A and the grouped narrow strips (this file's current form), gemm-parts bench on a
// quiet machine, fma, end to end f32 / f64: A B 45.7 -> 47.7 / 23.8 -> 24.0, A^T B 45.6 -> 47.4
// / 22.9 -> 23.8, A B^T 45.7 -> 48.8 / 23.3 -> 23.8, masked 46.6 -> 48.3 / 21.3 -> 23.7 (the
// clock is ~3.4 GHz, so the fma peak is ~54 / ~27). Three strips per narrow call instead of two:
// no gain with fma, and the plain build's 12-accumulator narrow tile spills (A B 41 -> 28).
// Tried and dropped (same L1 micro benchmark unless said, plain f32 unless said):
// - k unrolled by 2 or 4: 39 -> 26 in the full GEMM; TurboFan hoists all loads of the body to
//   its top, 20 live v128 values for 15 allocatable xmm registers, and spills.
// - 2 x 16 tile 42, 3 x 8 40, 4 x 8 with A as one v128 load and shuffles 41 (vs 4 x 8 at 42);
//   5 x 8, 6 x 8, 3 x 12, 2 x 20, 2 x 24: 19-27 (spills); fma 5 x 8, 6 x 8, 4 x 12, 3 x 16: 20-25.
// - Dot-product form (vectors along k, both operands packed k-contiguous, no broadcasts,
//   horizontal sums at the end): 2 x 4 tile 40.3 vs 40.6 for the 4 x 8 outer product.
// - KC 512/256/128 instead of 1024: no gain beyond noise (more C traffic).
// - fma build, full GEMM kernel at the workload shape, candidates interleaved in one process
//   (medians of 11-15, A B, f32 / f64; shared machine, so compare within a row only):
//   4 x 8 / 4 x 4 48.0 / 22.7; 3 x 12 / 3 x 6 48.9 / 23.7 (kept); 2 x 16 / 2 x 8 48.0 / 23.9;
//   4 x 12 / 4 x 6 24.5 / 12.1 (spills: 16 live v128). With 3 x 12: MB 66 or 126 instead of
//   63, and KC 256, 512 or 768 instead of 1024 (the 3 x 12 f32 and 3 x 6 f64 B strips are
//   48 KiB at KC 1024, all of Zen 5's L1D), were within +-2 % in both directions over three
//   runs, so MB 63 and KC 1024 stay. The narrow micro kernel for the ragged last strip gave
//   +1 % f32 at N = 256 (about the padding it skips), nothing measurable in f64.

import { epilogueWat } from './epilogue.js';

type T = 'f32' | 'f64';

interface Dt {
  t: T;
  /** bytes per element */
  es: number;
  /** log2(es) */
  sh: number;
  /** lanes per v128 */
  lanes: number;
  /** register tile rows, columns, and the row block of packed A (a multiple of mr) */
  mr: number;
  nr: number;
  mb: number;
  splat: string;
  add: string;
  mul: string;
  /** relaxed-SIMD multiply-add, a * b + c */
  madd: string;
}

type Base = Omit<Dt, 'mr' | 'nr' | 'mb'>;
const DTS: Record<T, Base> = {
  f32: {
    t: 'f32',
    es: 4,
    sh: 2,
    lanes: 4,
    splat: 'v128.load32_splat',
    add: 'f32x4.add',
    mul: 'f32x4.mul',
    madd: 'f32x4.relaxed_madd',
  },
  f64: {
    t: 'f64',
    es: 8,
    sh: 3,
    lanes: 2,
    splat: 'v128.load64_splat',
    add: 'f64x2.add',
    mul: 'f64x2.mul',
    madd: 'f64x2.relaxed_madd',
  },
};

/** Register tile and blocking of one dtype in one module variant. */
export interface Tile {
  /** register tile rows: A is packed in strips of mr rows */
  mr: number;
  /** register tile columns: B is packed in strips of nr columns (a multiple of the lanes) */
  nr: number;
  /** rows of A packed at a time (a multiple of mr) */
  mb: number;
  /** K is split into chunks of at most kc steps by the caller */
  kc: number;
}

/**
 * Tiles of each module variant (`plain`: multiply then add, `fma`: relaxed_madd). Exported
 * with the module (`KERNEL_TILES` in module.generated.ts) so the loaders size packing buffers,
 * row blocks and K chunks for the variant they loaded.
 */
export const TILES: Record<'plain' | 'fma', Record<T, Tile>> = {
  plain: {
    f32: { mr: 4, nr: 8, mb: 64, kc: 1024 },
    f64: { mr: 4, nr: 4, mb: 64, kc: 1024 },
  },
  fma: {
    f32: { mr: 3, nr: 12, mb: 63, kc: 1024 },
    f64: { mr: 3, nr: 6, mb: 63, kc: 1024 },
  },
};

/** Steps per chunk of the contiguous packing path (4, 16 and 32 measured slower). */
const PC = 8;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const get = (x: string) => `(local.get $${x})`;
const set = (x: string, v: string) => `(local.set $${x} ${v})`;
const i32 = (v: number) => `(i32.const ${v})`;
const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
const mul = (a: string, b: string) => `(i32.mul ${a} ${b})`;
const shl = (a: string, b: number) => (b === 0 ? a : `(i32.shl ${a} ${i32(b)})`);
const min = (a: string, b: string) => `(select ${a} ${b} (i32.lt_s ${a} ${b}))`;
const params = (spec: string) =>
  spec
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => {
      const [name, type] = p.split(':');
      return `(param $${name} ${type})`;
    })
    .join(' ');
const locals = (spec: string) =>
  spec
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => {
      const [name, type] = p.split(':');
      return `(local $${name} ${type})`;
    })
    .join(' ');
// i8x16.shuffle byte indices that pick the given lanes of width `es` from (x, y), y's lanes
// numbered from 16 / es.
function lanes(es: number, picks: number[]): string {
  return picks.flatMap((l) => range(es).map((b) => l * es + b)).join(' ');
}

// Loads and stores of `bytes` (a multiple of 4) at addr + off as v128 pieces of at most 16
// bytes each; a partial last piece (4, 8 or 12 bytes) touches only its own bytes.
function pieces(bytes: number): number[] {
  return range(Math.ceil(bytes / 16)).map((v) => Math.min(16, bytes - 16 * v));
}
function loadPiece(size: number, off: number, addr: string): string {
  if (size === 16) return `(v128.load offset=${off} ${addr})`;
  if (size === 8) return `(v128.load64_zero offset=${off} ${addr})`;
  if (size === 4) return `(v128.load32_zero offset=${off} ${addr})`;
  return `(v128.load32_lane offset=${off + 8} 2 ${addr} (v128.load64_zero offset=${off} ${addr}))`;
}
// Statements storing the first `size` bytes of v128 `value` (via local `tmp` when two stores
// need it) at addr + off.
function storePiece(size: number, off: number, addr: string, value: string, tmp: string): string[] {
  if (size === 16) return [`(v128.store offset=${off} ${addr} ${value})`];
  if (size === 8) return [`(v128.store64_lane offset=${off} 0 ${addr} ${value})`];
  if (size === 4) return [`(v128.store32_lane offset=${off} 0 ${addr} ${value})`];
  return [
    set(tmp, value),
    `(v128.store64_lane offset=${off} 0 ${addr} ${get(tmp)})`,
    `(v128.store32_lane offset=${off + 8} 2 ${addr} ${get(tmp)})`,
  ];
}

// How a micro kernel reads A. `packed`: strips of MR rows written by pack() or packMasked(),
// MR values per step. `rows`: A where it lies, unit-stride along K, one pointer per tile row
// (rows `ga` bytes apart, a runtime parameter) and one value per row and step, so the packing
// pass over A is skipped (A B and A B^T with a row-major A, the pretraining products).
type AMode = 'packed' | 'rows';

// Narrow micro kernels for a last B strip of a single v128 take this many MR-row strips at
// once: with one v128 column an MR-row tile has only MR accumulators, too few to hide the
// latency of the multiply-add (MR per 4 cycles instead of two a cycle).
const NARROW_STRIPS = 2;

// One register tile over k steps, `strips` MR-row strips tall and nv v128 columns wide; b points
// at the packed B strip (NR values per step, of which the first nv v128 are read), a at A
// (see AMode; with `packed`, strip s at a + s * ga). mr (<= strips * MR) rows and nr columns of
// the tile go to C (byte address c, element strides sc0 and sc1) as alpha * tile + beta * C, or
// alpha * tile when beta = 0. In `rows` mode the pointers of rows past mr repeat the last valid
// row, so no read leaves A. k >= 1.
function micro(d: Dt, fma: boolean, mode: AMode, nv = d.nr / d.lanes, strips = 1): string {
  const name = microName(d, mode, nv, strips);
  const rows = strips * d.mr;
  const ptrs = mode === 'packed' ? strips : rows;
  // Pointer and byte offset of tile row i; the first tile row a pointer serves.
  const ptrOf = (i: number) => (mode === 'packed' ? Math.floor(i / d.mr) : i);
  const offOf = (i: number) => (mode === 'packed' ? (i % d.mr) * d.es : 0);
  const firstRow = (p: number) => (mode === 'packed' ? p * d.mr : p);
  const stepBytes = mode === 'packed' ? d.mr * d.es : d.es;
  const acc = (i: number, v: number) => `c${i}_${v}`;
  const accs = range(rows).flatMap((i) => range(nv).map((v) => acc(i, v)));
  const fx = d.t === 'f32' ? 'f32x4' : 'f64x2';
  const step = range(nv)
    .map((v) => set(`b${v}`, `(v128.load offset=${16 * v} ${get('b')})`))
    .concat(
      range(rows).flatMap((i) => [
        set('av', `(${d.splat} offset=${offOf(i)} ${get(`a${ptrOf(i)}`)})`),
        ...range(nv).map((v) =>
          set(
            acc(i, v),
            fma
              ? `(${d.madd} ${get('av')} ${get(`b${v}`)} ${get(acc(i, v))})`
              : `(${d.add} ${get(acc(i, v))} (${d.mul} ${get('av')} ${get(`b${v}`)}))`,
          ),
        ),
      ]),
    );
  // Sub-tile s (tile rows s MR .. s MR + MR - 1): full and unit-stride, v128 stores of
  // alpha * tile (+ beta * C); otherwise spilled to address 0 and written by store_tile.
  const subStore = (s: number) => {
    const rowStores = (withBeta: boolean) =>
      range(d.mr).flatMap((r) => [
        ...range(nv).map((v) => {
          const scaled = `(${d.mul} ${get('va')} ${get(acc(s * d.mr + r, v))})`;
          const value = withBeta
            ? `(${d.add} ${scaled} (${d.mul} ${get('vb')} (v128.load offset=${16 * v} ${get('cs')})))`
            : scaled;
          return `(v128.store offset=${16 * v} ${get('cs')} ${value})`;
        }),
        set('cs', add(get('cs'), get('rowb'))),
      ]);
    const rm = s === 0 ? get('mr') : `(i32.sub ${get('mr')} ${i32(s * d.mr)})`;
    return `
    ${set('cs', add(get('c'), mul(i32(s * d.mr), get('rowb'))))}
    ${set('rm', min(rm, i32(d.mr)))}
    (if (i32.gt_s ${get('rm')} ${i32(0)})
      (then
        (if (i32.and (i32.and (i32.eq ${get('rm')} ${i32(d.mr)}) (i32.eq ${get('nr')} ${i32(nv * d.lanes)})) (i32.eq ${get('sc1')} ${i32(1)}))
          (then
            (if (${d.t}.eq ${get('beta')} (${d.t}.const 0))
              (then
                ${rowStores(false).join('\n                ')})
              (else
                ${rowStores(true).join('\n                ')})))
          (else
            ${range(d.mr)
              .flatMap((r) =>
                range(nv).map(
                  (v) =>
                    `(v128.store offset=${r * d.nr * d.es + 16 * v} ${i32(0)} ${get(acc(s * d.mr + r, v))})`,
                ),
              )
              .join('\n            ')}
            (call $store_tile_${d.t} ${['alpha', 'beta', 'cs', 'sc0', 'sc1', 'rm', 'nr'].map(get).join(' ')})))))`;
  };
  return `
  (func $${name} ${params(`k:i32 a:i32 ga:i32 b:i32 alpha:${d.t} beta:${d.t} c:i32 sc0:i32 sc1:i32 mr:i32 nr:i32`)}
    ${locals(
      `end:i32 cs:i32 rowb:i32 rm:i32 ${range(ptrs)
        .map((p) => `a${p}:i32`)
        .join(' ')} av:v128 va:v128 vb:v128 ${range(nv)
        .map((v) => `b${v}:v128`)
        .join(' ')} ${accs.map((x) => `${x}:v128`).join(' ')}`,
    )}
    ${set('a0', get('a'))}
    ${range(ptrs)
      .slice(1)
      .map((p) =>
        set(
          `a${p}`,
          `(select ${add(get(`a${p - 1}`), get('ga'))} ${get(`a${p - 1}`)} (i32.lt_s ${i32(firstRow(p))} ${get('mr')}))`,
        ),
      )
      .join('\n    ')}
    ${set('end', add(get('a0'), mul(get('k'), i32(stepBytes))))}
    (loop $k
      ${step.join('\n      ')}
      ${range(ptrs)
        .map((p) => set(`a${p}`, add(get(`a${p}`), i32(stepBytes))))
        .join('\n      ')}
      ${set('b', add(get('b'), i32(d.nr * d.es)))}
      (br_if $k (i32.lt_u ${get('a0')} ${get('end')})))
    ${set('rowb', shl(get('sc0'), d.sh))}
    ${set('va', `(${fx}.splat ${get('alpha')})`)}
    ${set('vb', `(${fx}.splat ${get('beta')})`)}
    ${range(strips).map(subStore).join('\n')})`;
}

function microName(d: Dt, mode: AMode, nv: number, strips: number): string {
  const full = d.nr / d.lanes;
  return `micro_${mode}_${d.t}${nv === full ? '' : `_${nv}`}${strips === 1 ? '' : `x${strips}`}`;
}

// Writes mr x nr of the spilled tile (row-major MR x NR at address 0) into C, scalar.
function storeTile(d: Dt): string {
  const ld = (p: string) => `(${d.t}.load ${p})`;
  return `
  (func $store_tile_${d.t} ${params(`alpha:${d.t} beta:${d.t} c:i32 sc0:i32 sc1:i32 mr:i32 nr:i32`)}
    ${locals(`i:i32 j:i32 p:i32 t:i32 v:${d.t}`)}
    ${set('sc0', shl(get('sc0'), d.sh))}
    ${set('sc1', shl(get('sc1'), d.sh))}
    (loop $rows
      ${set('p', add(get('c'), mul(get('i'), get('sc0'))))}
      ${set('t', mul(get('i'), i32(d.nr * d.es)))}
      ${set('j', i32(0))}
      (loop $cols
        ${set('v', `(${d.t}.mul ${get('alpha')} ${ld(get('t'))})`)}
        (if (${d.t}.ne ${get('beta')} (${d.t}.const 0))
          (then ${set('v', `(${d.t}.add ${get('v')} (${d.t}.mul ${get('beta')} ${ld(get('p'))}))`)}))
        (${d.t}.store ${get('p')} ${get('v')})
        ${set('p', add(get('p'), get('sc1')))}
        ${set('t', add(get('t'), i32(d.es)))}
        ${set('j', add(get('j'), i32(1)))}
        (br_if $cols (i32.lt_s ${get('j')} ${get('nr')})))
      ${set('i', add(get('i'), i32(1)))}
      (br_if $rows (i32.lt_s ${get('i')} ${get('mr')}))))`;
}

// Scalar packing of one strip of width W from step p0 to k: dst (at step p0) receives, for each
// step p, src[r * sr + p * sk] for r < w and zeros for w <= r < W.
function packScalar(d: Dt, w: number): string {
  return `
  (func $pack_scalar_${d.t}_${w} ${params('w:i32 k:i32 p:i32 src:i32 sr:i32 sk:i32 dst:i32')}
    ${locals(`r:i32 q:i32 v:${d.t}`)}
    (if (i32.ge_s ${get('p')} ${get('k')}) (then (return)))
    ${set('sr', shl(get('sr'), d.sh))}
    ${set('sk', shl(get('sk'), d.sh))}
    ${set('src', add(get('src'), mul(get('p'), get('sk'))))}
    (loop $steps
      ${set('q', get('src'))}
      ${set('r', i32(0))}
      (loop $lanes
        ${set('v', `(${d.t}.const 0)`)}
        (if (i32.lt_s ${get('r')} ${get('w')}) (then ${set('v', `(${d.t}.load ${get('q')})`)}))
        (${d.t}.store ${get('dst')} ${get('v')})
        ${set('q', add(get('q'), get('sr')))}
        ${set('dst', add(get('dst'), i32(d.es)))}
        ${set('r', add(get('r'), i32(1)))}
        (br_if $lanes (i32.lt_s ${get('r')} ${i32(w)})))
      ${set('src', add(get('src'), get('sk')))}
      ${set('p', add(get('p'), i32(1)))}
      (br_if $steps (i32.lt_s ${get('p')} ${get('k')}))))`;
}

// Transposing fast path for a full strip whose K direction is unit-stride: returns the WAT
// of a loop body over blocks of `lanes` steps (p advanced by d.lanes, dst by lanes * W * es).
function transposeBlock(d: Dt, w: number): string[] {
  const out: string[] = [];
  if (d.t === 'f32') {
    // Groups of 4 strip rows: load rows r..r+3 at steps p..p+3, transpose 4 x 4, store each
    // step's 4 values at dst + step * W * 4 + group * 16.
    // A last group of w mod 4 rows reads zeros for the missing rows and stores only its lanes.
    for (let g = 0; g < Math.ceil(w / 4); g++) {
      const gw = Math.min(4, w - 4 * g);
      for (let r = 0; r < 4; r++)
        out.push(
          set(
            `v${r}`,
            r < gw
              ? `(v128.load ${add(get('q'), mul(i32(4 * g + r), get('srb')))})`
              : '(v128.const i32x4 0 0 0 0)',
          ),
        );
      out.push(set('t0', `(i8x16.shuffle ${lanes(4, [0, 4, 1, 5])} ${get('v0')} ${get('v1')})`));
      out.push(set('t1', `(i8x16.shuffle ${lanes(4, [0, 4, 1, 5])} ${get('v2')} ${get('v3')})`));
      out.push(set('t2', `(i8x16.shuffle ${lanes(4, [2, 6, 3, 7])} ${get('v0')} ${get('v1')})`));
      out.push(set('t3', `(i8x16.shuffle ${lanes(4, [2, 6, 3, 7])} ${get('v2')} ${get('v3')})`));
      const rows = [
        ['t0', 't1', [0, 2]],
        ['t0', 't1', [1, 3]],
        ['t2', 't3', [0, 2]],
        ['t2', 't3', [1, 3]],
      ] as const;
      rows.forEach(([x, y, picks], s) => {
        out.push(
          ...storePiece(
            4 * gw,
            s * w * 4 + g * 16,
            get('dst'),
            `(i8x16.shuffle ${lanes(8, [...picks])} ${get(x)} ${get(y)})`,
            'v0',
          ),
        );
      });
    }
  } else {
    // Pairs of strip rows at steps p, p+1: [x_r[p], x_r[p+1]] -> step p gets [x_r[p], x_{r+1}[p]].
    // An odd last row goes out lane by lane.
    for (let g = 0; g < Math.floor(w / 2); g++) {
      for (let r = 0; r < 2; r++)
        out.push(set(`v${r}`, `(v128.load ${add(get('q'), mul(i32(2 * g + r), get('srb')))})`));
      out.push(
        `(v128.store offset=${g * 16} ${get('dst')} (i8x16.shuffle ${lanes(8, [0, 2])} ${get('v0')} ${get('v1')}))`,
      );
      out.push(
        `(v128.store offset=${w * 8 + g * 16} ${get('dst')} (i8x16.shuffle ${lanes(8, [1, 3])} ${get('v0')} ${get('v1')}))`,
      );
    }
    if (w % 2 === 1) {
      const g = (w - 1) / 2;
      out.push(set('v0', `(v128.load ${add(get('q'), mul(i32(w - 1), get('srb')))})`));
      out.push(`(v128.store64_lane offset=${g * 16} 0 ${get('dst')} ${get('v0')})`);
      out.push(`(v128.store64_lane offset=${w * 8 + g * 16} 1 ${get('dst')} ${get('v0')})`);
    }
  }
  return out;
}

// Packs `rows` rows of a K-long operand into strips of W: strip s at dst + s * k * W * es holds,
// for each step p, src[(s W + r) sr + p sk] for r < W (zeros past `rows`).
// - sr = 1 (strips run along memory): in chunks of PC steps, strip by strip, so the PC rows
//   of a chunk stay in L1 while every strip takes its part of them (strip by strip over all
//   of k, or step by step over all strips, hit 4 KiB aliasing at these strides: 5-8x slower).
// - sk = 1 (steps run along memory): strip by strip, W rows transposed in registers.
// - otherwise, and for a ragged last strip: scalar.
function pack(d: Dt, w: number): string {
  const contiguous = pieces(w * d.es).flatMap((size, v) =>
    storePiece(size, 16 * v, get('o'), loadPiece(size, 16 * v, get('q')), 'v0'),
  );
  return `
  (func $pack_${d.t}_${w} ${params('rows:i32 k:i32 src:i32 sr:i32 sk:i32 dst:i32')}
    ${locals('r0:i32 w:i32 p:i32 pe:i32 q:i32 o:i32 srb:i32 skb:i32 end:i32 full:i32 sstep:i32 v0:v128 v1:v128 v2:v128 v3:v128 t0:v128 t1:v128 t2:v128 t3:v128')}
    ${set('srb', shl(get('sr'), d.sh))}
    ${set('skb', shl(get('sk'), d.sh))}
    (if (i32.eq ${get('sr')} ${i32(1)})
      (then
        ${set('full', mul(`(i32.div_u ${get('rows')} ${i32(w)})`, i32(w)))}
        ${set('sstep', mul(get('k'), i32(w * d.es)))}
        (if (i32.gt_s ${get('full')} ${i32(0)})
          (then
            (loop $chunks
              ${set('pe', min(add(get('p'), i32(PC)), get('k')))}
              ${set('r0', i32(0))}
              (loop $strips
                ${set('q', add(add(get('src'), mul(get('p'), get('skb'))), shl(get('r0'), d.sh)))}
                ${set('o', add(add(get('dst'), mul(`(i32.div_u ${get('r0')} ${i32(w)})`, get('sstep'))), mul(get('p'), i32(w * d.es))))}
                ${set('end', add(get('o'), mul(`(i32.sub ${get('pe')} ${get('p')})`, i32(w * d.es))))}
                (loop $c
                  ${contiguous.join('\n                  ')}
                  ${set('q', add(get('q'), get('skb')))}
                  ${set('o', add(get('o'), i32(w * d.es)))}
                  (br_if $c (i32.lt_u ${get('o')} ${get('end')})))
                ${set('r0', add(get('r0'), i32(w)))}
                (br_if $strips (i32.lt_s ${get('r0')} ${get('full')})))
              ${set('p', get('pe'))}
              (br_if $chunks (i32.lt_s ${get('p')} ${get('k')})))))
        (if (i32.lt_s ${get('full')} ${get('rows')})
          (then
            (call $pack_scalar_${d.t}_${w} (i32.sub ${get('rows')} ${get('full')}) ${get('k')} ${i32(0)}
              ${add(get('src'), shl(get('full'), d.sh))} ${get('sr')} ${get('sk')}
              ${add(get('dst'), mul(`(i32.div_u ${get('full')} ${i32(w)})`, get('sstep')))})))
        (return)))
    (block $done
      (loop $strips
        (br_if $done (i32.ge_s ${get('r0')} ${get('rows')}))
        ${set('w', min(i32(w), `(i32.sub ${get('rows')} ${get('r0')})`))}
        ${set('q', add(get('src'), mul(get('r0'), get('srb'))))}
        ${set('end', add(get('dst'), mul(get('k'), i32(w * d.es))))}
        ${set('p', i32(0))}
        (if (i32.and (i32.eq ${get('w')} ${i32(w)}) (i32.eq ${get('sk')} ${i32(1)}))
          (then
            (block $tdone
              (loop $t
                (br_if $tdone (i32.gt_s ${add(get('p'), i32(d.lanes))} ${get('k')}))
                ${transposeBlock(d, w).join('\n                ')}
                ${set('q', add(get('q'), i32(16)))}
                ${set('dst', add(get('dst'), i32(d.lanes * w * d.es)))}
                ${set('p', add(get('p'), i32(d.lanes)))}
                (br $t)))))
        (call $pack_scalar_${d.t}_${w} ${get('w')} ${get('k')} ${get('p')} ${add(get('src'), mul(get('r0'), get('srb')))} ${get('sr')} ${get('sk')} ${get('dst')})
        ${set('dst', get('end'))}
        ${set('r0', add(get('r0'), i32(w)))}
        (br $strips))))`;
}

// Packs rows [0, rows) of A = ((z > 0) ⊙ (g a^T))^T into 4-row strips over k samples:
// strip s, step p holds z[p sz0 + (4s + r) sz1] > 0 ? g[p sg] a[(4s + r) sa] : 0. With
// `leaky` ($pack_leaky, one more parameter `below`), entries where z <= 0 (NaN included) hold
// (g a) * below instead of 0: the derivative of a leaky ReLU, 1 above zero and `below` under.
function packMasked(d: Dt, leaky = false): string {
  const fx = d.t === 'f32' ? 'f32x4' : 'f64x2';
  const ps = pieces(d.mr * d.es);
  const masked = (v: number, size: number) => {
    const ga = `(${fx}.mul ${get('gv')} ${get(`a${v}`)})`;
    const gt = `(${fx}.gt ${loadPiece(size, 16 * v, get('zp'))} (v128.const i32x4 0 0 0 0))`;
    return leaky
      ? `(v128.bitselect ${ga} (${fx}.mul ${ga} ${get('bv')}) ${gt})`
      : `(v128.and ${ga} ${gt})`;
  };
  const fast = [
    set('gv', `(${d.splat} ${get('gp')})`),
    ...ps.flatMap((size, v) => storePiece(size, 16 * v, get('dst'), masked(v, size), 'tv')),
  ];
  const ld = (p: string) => `(${d.t}.load ${p})`;
  const ga = `(${d.t}.mul ${get('gval')} ${ld(add(get('ap'), mul(get('r'), get('sa'))))})`;
  const below = leaky
    ? `\n                      (else (${d.t}.store ${get('dst')} (${d.t}.mul ${ga} ${get('below')})))`
    : '';
  return `
  (func $pack_${leaky ? 'leaky' : 'masked'}_${d.t} ${params(`rows:i32 k:i32 z:i32 sz0:i32 sz1:i32 g:i32 sg:i32 a:i32 sa:i32 dst:i32${leaky ? ` below:${d.t}` : ''}`)}
    ${locals(`r0:i32 w:i32 p:i32 r:i32 zp:i32 gp:i32 ap:i32 zq:i32 gval:${d.t} gv:v128 tv:v128 a0:v128 a1:v128${leaky ? ' bv:v128' : ''}`)}${leaky ? `\n    ${set('bv', `(${fx}.splat ${get('below')})`)}` : ''}
    ${set('sz0', shl(get('sz0'), d.sh))}
    ${set('sz1', shl(get('sz1'), d.sh))}
    ${set('sg', shl(get('sg'), d.sh))}
    ${set('sa', shl(get('sa'), d.sh))}
    (block $done
      (loop $strips
        (br_if $done (i32.ge_s ${get('r0')} ${get('rows')}))
        ${set('w', min(i32(d.mr), `(i32.sub ${get('rows')} ${get('r0')})`))}
        ${set('zp', add(get('z'), mul(get('r0'), get('sz1'))))}
        ${set('ap', add(get('a'), mul(get('r0'), get('sa'))))}
        ${set('gp', get('g'))}
        ${set('p', i32(0))}
        (if (i32.and (i32.eq ${get('w')} ${i32(d.mr)}) (i32.and (i32.eq ${get('sz1')} ${i32(d.es)}) (i32.eq ${get('sa')} ${i32(d.es)})))
          (then
            ${ps
              .map((size, v) => set(`a${v}`, loadPiece(size, 16 * v, get('ap'))))
              .join('\n            ')}
            (loop $fast
              ${fast.join('\n              ')}
              ${set('zp', add(get('zp'), get('sz0')))}
              ${set('gp', add(get('gp'), get('sg')))}
              ${set('dst', add(get('dst'), i32(d.mr * d.es)))}
              ${set('p', add(get('p'), i32(1)))}
              (br_if $fast (i32.lt_s ${get('p')} ${get('k')}))))
          (else
            (loop $slow
              ${set('gval', ld(get('gp')))}
              ${set('zq', get('zp'))}
              ${set('r', i32(0))}
              (loop $lanes
                (${d.t}.store ${get('dst')} (${d.t}.const 0))
                (if (i32.lt_s ${get('r')} ${get('w')})
                  (then
                    (if (${d.t}.gt ${ld(get('zq'))} (${d.t}.const 0))
                      (then (${d.t}.store ${get('dst')} ${ga}))${below})))
                ${set('zq', add(get('zq'), get('sz1')))}
                ${set('dst', add(get('dst'), i32(d.es)))}
                ${set('r', add(get('r'), i32(1)))}
                (br_if $lanes (i32.lt_s ${get('r')} ${i32(d.mr)})))
              ${set('zp', add(get('zp'), get('sz0')))}
              ${set('gp', add(get('gp'), get('sg')))}
              ${set('p', add(get('p'), i32(1)))}
              (br_if $slow (i32.lt_s ${get('p')} ${get('k')})))))
        ${set('r0', add(get('r0'), i32(d.mr)))}
        (br $strips))))`;
}

// The micro kernel call of block(): the full tile, or for a last strip of w <= NR - lanes
// columns the narrowest variant that covers them.
function narrowCall(d: Dt, mode: AMode, kLocal = 'k'): string {
  const nv = d.nr / d.lanes;
  const args = `${[kLocal, 'as', 'ga', 'wb', 'alpha', 'beta', 'cm', 'sc0', 'sc1', 'rm', 'w'].map(get).join(' ')}`;
  let out = `(call $${microName(d, mode, nv, 1)} ${args})`;
  for (let v = nv - 1; v >= 1; v--)
    out = `(if (i32.gt_s ${get('w')} ${i32(v * d.lanes)}) (then ${out}) (else (call $${microName(d, mode, v, 1)} ${args})))`;
  return out;
}

// All register tiles of one row block (mb <= MB rows of A at wa, see AMode; in `rows` mode
// ga is the byte stride of A's rows) against every packed B strip. A last B strip of one
// v128 goes NARROW_STRIPS row strips at a time while they are whole.
function block(d: Dt, mode: AMode, upper = false): string {
  const g = NARROW_STRIPS;
  // upper: B is upper triangular (B[p, j] = 0 for p > j, p counted from koff, the start of
  // this K chunk), so the strip at column j sums over p < j + NR only, and is skipped when
  // that is none of this chunk.
  const kl = upper ? 'kk' : 'k';
  return `
  (func $block_${mode}${upper ? '_upper' : ''}_${d.t} ${params(`mb:i32 n:i32 k:i32 alpha:${d.t} beta:${d.t} c:i32 sc0:i32 sc1:i32 wa:i32 ga:i32 wb:i32${upper ? ' koff:i32' : ''}`)}
    ${locals(`j:i32 i:i32 as:i32 bstep:i32 astep:i32 cj:i32 w:i32 cm:i32 rm:i32${upper ? ' kk:i32' : ''}`)}
    ${set('bstep', mul(get('k'), i32(d.nr * d.es)))}
    ${
      mode === 'packed'
        ? `${set('astep', mul(get('k'), i32(d.mr * d.es)))}\n    ${set('ga', get('astep'))}`
        : set('astep', mul(get('ga'), i32(d.mr)))
    }
    (loop $cols
      ${set('cj', add(get('c'), shl(mul(get('j'), get('sc1')), d.sh)))}
      ${set('i', i32(0))}
      ${set('as', get('wa'))}
      ${set('w', min(i32(d.nr), `(i32.sub ${get('n')} ${get('j')})`))}${
        upper
          ? `
      ${set('kk', min(get('k'), `(i32.sub ${add(get('j'), i32(d.nr))} ${get('koff')})`))}
      (if (i32.gt_s ${get('kk')} ${i32(0)}) (then`
          : ''
      }
      (if (i32.le_s ${get('w')} ${i32(d.lanes)})
        (then
          (block $gdone
            (loop $groups
              (br_if $gdone (i32.gt_s ${add(get('i'), i32(g * d.mr))} ${get('mb')}))
              ${set('cm', add(get('cj'), shl(mul(get('i'), get('sc0')), d.sh)))}
              (call $${microName(d, mode, 1, g)} ${[kl, 'as', 'ga', 'wb', 'alpha', 'beta', 'cm', 'sc0', 'sc1'].map(get).join(' ')} ${i32(g * d.mr)} ${get('w')})
              ${set('as', add(get('as'), mul(get('astep'), i32(g))))}
              ${set('i', add(get('i'), i32(g * d.mr)))}
              (br $groups)))))
      (block $rdone
        (loop $rows
          (br_if $rdone (i32.ge_s ${get('i')} ${get('mb')}))
          ${set('cm', add(get('cj'), shl(mul(get('i'), get('sc0')), d.sh)))}
          ${set('rm', min(i32(d.mr), `(i32.sub ${get('mb')} ${get('i')})`))}
          ${narrowCall(d, mode, kl)}
          ${set('as', add(get('as'), get('astep')))}
          ${set('i', add(get('i'), i32(d.mr)))}
          (br $rows)))${upper ? '))' : ''}
      ${set('wb', add(get('wb'), get('bstep')))}
      ${set('j', add(get('j'), i32(d.nr)))}
      (br_if $cols (i32.lt_s ${get('j')} ${get('n')}))))`;
}

// C = alpha A B + beta C for m, n, k >= 1; wa holds MB * k and wb ceil(n / NR) * NR * k elements.
// With A unit-stride along K (sa1 = 1) the micro kernels read A in place (`rows` mode); otherwise
// each block of MB rows is packed into wa first.
function gemm(d: Dt): string {
  return `
  (func (export "gemm_${d.t}") ${params(`m:i32 n:i32 k:i32 alpha:${d.t} pa:i32 sa0:i32 sa1:i32 pb:i32 sb0:i32 sb1:i32 beta:${d.t} pc:i32 sc0:i32 sc1:i32 wa:i32 wb:i32`)}
    ${locals('i:i32 mb:i32')}
    (call $pack_${d.t}_${d.nr} ${['n', 'k', 'pb', 'sb1', 'sb0', 'wb'].map(get).join(' ')})
    (if (i32.eq ${get('sa1')} ${i32(1)})
      (then
        (loop $rblocks
          ${set('mb', min(i32(d.mb), `(i32.sub ${get('m')} ${get('i')})`))}
          (call $block_rows_${d.t} ${get('mb')} ${get('n')} ${get('k')} ${get('alpha')} ${get('beta')}
            ${add(get('pc'), shl(mul(get('i'), get('sc0')), d.sh))} ${get('sc0')} ${get('sc1')}
            ${add(get('pa'), shl(mul(get('i'), get('sa0')), d.sh))} ${shl(get('sa0'), d.sh)} ${get('wb')})
          ${set('i', add(get('i'), i32(d.mb)))}
          (br_if $rblocks (i32.lt_s ${get('i')} ${get('m')})))
        (return)))
    (loop $blocks
      ${set('mb', min(i32(d.mb), `(i32.sub ${get('m')} ${get('i')})`))}
      (call $pack_${d.t}_${d.mr} ${get('mb')} ${get('k')} ${add(get('pa'), shl(mul(get('i'), get('sa0')), d.sh))} ${get('sa0')} ${get('sa1')} ${get('wa')})
      (call $block_packed_${d.t} ${get('mb')} ${get('n')} ${get('k')} ${get('alpha')} ${get('beta')}
        ${add(get('pc'), shl(mul(get('i'), get('sc0')), d.sh))} ${get('sc0')} ${get('sc1')} ${get('wa')} ${i32(0)} ${get('wb')})
      ${set('i', add(get('i'), i32(d.mb)))}
      (br_if $blocks (i32.lt_s ${get('i')} ${get('m')}))))`;
}

// C = alpha A B + beta C for an upper-triangular B (B[p, j] = 0 for p > j, p counted from
// koff: this call is the K chunk [koff, koff + k) of a longer product) with A unit-stride along
// K (the `rows` mode): as gemm, but the strip of B at column j sums over p < j + NR only.
function gemmUpper(d: Dt): string {
  return `
  (func (export "gemm_upper_${d.t}") ${params(`m:i32 n:i32 k:i32 koff:i32 alpha:${d.t} pa:i32 sa0:i32 pb:i32 sb0:i32 sb1:i32 beta:${d.t} pc:i32 sc0:i32 sc1:i32 wb:i32`)}
    ${locals('i:i32 mb:i32')}
    (call $pack_${d.t}_${d.nr} ${['n', 'k', 'pb', 'sb1', 'sb0', 'wb'].map(get).join(' ')})
    (loop $rblocks
      ${set('mb', min(i32(d.mb), `(i32.sub ${get('m')} ${get('i')})`))}
      (call $block_rows_upper_${d.t} ${get('mb')} ${get('n')} ${get('k')} ${get('alpha')} ${get('beta')}
        ${add(get('pc'), shl(mul(get('i'), get('sc0')), d.sh))} ${get('sc0')} ${get('sc1')}
        ${add(get('pa'), shl(mul(get('i'), get('sa0')), d.sh))} ${shl(get('sa0'), d.sh)} ${get('wb')} ${get('koff')})
      ${set('i', add(get('i'), i32(d.mb)))}
      (br_if $rblocks (i32.lt_s ${get('i')} ${get('m')}))))`;
}

// The lower triangle of C = alpha A A^T + beta C for n, k >= 1, A [n, k]: B = A^T is packed
// once, then each block of MB rows of C runs against only the B strips up to its last row, so
// a row block stops at the diagonal (the part of its last strips above the diagonal is computed
// too; the rest of C's upper triangle is not touched). wa and wb as in gemm.
function syrk(d: Dt): string {
  const ncols = add(get('i'), get('mb'));
  return `
  (func (export "syrk_${d.t}") ${params(`n:i32 k:i32 alpha:${d.t} pa:i32 sa0:i32 sa1:i32 beta:${d.t} pc:i32 sc0:i32 sc1:i32 wa:i32 wb:i32`)}
    ${locals('i:i32 mb:i32')}
    (call $pack_${d.t}_${d.nr} ${['n', 'k', 'pa', 'sa0', 'sa1', 'wb'].map(get).join(' ')})
    (if (i32.eq ${get('sa1')} ${i32(1)})
      (then
        (loop $rblocks
          ${set('mb', min(i32(d.mb), `(i32.sub ${get('n')} ${get('i')})`))}
          (call $block_rows_${d.t} ${get('mb')} ${ncols} ${get('k')} ${get('alpha')} ${get('beta')}
            ${add(get('pc'), shl(mul(get('i'), get('sc0')), d.sh))} ${get('sc0')} ${get('sc1')}
            ${add(get('pa'), shl(mul(get('i'), get('sa0')), d.sh))} ${shl(get('sa0'), d.sh)} ${get('wb')})
          ${set('i', add(get('i'), i32(d.mb)))}
          (br_if $rblocks (i32.lt_s ${get('i')} ${get('n')})))
        (return)))
    (loop $blocks
      ${set('mb', min(i32(d.mb), `(i32.sub ${get('n')} ${get('i')})`))}
      (call $pack_${d.t}_${d.mr} ${get('mb')} ${get('k')} ${add(get('pa'), shl(mul(get('i'), get('sa0')), d.sh))} ${get('sa0')} ${get('sa1')} ${get('wa')})
      (call $block_packed_${d.t} ${get('mb')} ${ncols} ${get('k')} ${get('alpha')} ${get('beta')}
        ${add(get('pc'), shl(mul(get('i'), get('sc0')), d.sh))} ${get('sc0')} ${get('sc1')} ${get('wa')} ${i32(0)} ${get('wb')})
      ${set('i', add(get('i'), i32(d.mb)))}
      (br_if $blocks (i32.lt_s ${get('i')} ${get('n')}))))`;
}

// out [m, d] = alpha ((z > 0) ⊙ (g a^T))^T x + beta out over n >= 1 samples, m, d >= 1; with
// `leaky` (export masked_leaky_<t>, one more parameter `below`) the factor is 1 where z > 0 and
// `below` elsewhere.
function masked(d: Dt, leaky = false): string {
  return `
  (func (export "masked_${leaky ? 'leaky_' : ''}${d.t}") ${params(`n:i32 m:i32 d:i32 alpha:${d.t} pz:i32 sz0:i32 sz1:i32 pg:i32 sg:i32 pa:i32 sa:i32 px:i32 sx0:i32 sx1:i32 beta:${d.t} po:i32 so0:i32 so1:i32 wa:i32 wb:i32${leaky ? ` below:${d.t}` : ''}`)}
    ${locals('i:i32 mb:i32')}
    (call $pack_${d.t}_${d.nr} ${['d', 'n', 'px', 'sx1', 'sx0', 'wb'].map(get).join(' ')})
    (loop $blocks
      ${set('mb', min(i32(d.mb), `(i32.sub ${get('m')} ${get('i')})`))}
      (call $pack_${leaky ? 'leaky' : 'masked'}_${d.t} ${get('mb')} ${get('n')} ${add(get('pz'), shl(mul(get('i'), get('sz1')), d.sh))} ${get('sz0')} ${get('sz1')}
        ${get('pg')} ${get('sg')} ${add(get('pa'), shl(mul(get('i'), get('sa')), d.sh))} ${get('sa')} ${get('wa')}${leaky ? ` ${get('below')}` : ''})
      (call $block_packed_${d.t} ${get('mb')} ${get('d')} ${get('n')} ${get('alpha')} ${get('beta')}
        ${add(get('po'), shl(mul(get('i'), get('so0')), d.sh))} ${get('so0')} ${get('so1')} ${get('wa')} ${i32(0)} ${get('wb')})
      ${set('i', add(get('i'), i32(d.mb)))}
      (br_if $blocks (i32.lt_s ${get('i')} ${get('m')}))))`;
}

/**
 * The WAT text of the kernel module (imports `env.memory`). With `fma`, the micro kernel
 * multiplies and adds in one relaxed-SIMD `relaxed_madd` (a fused multiply-add where the
 * hardware has one), which needs an engine with relaxed SIMD (see `relaxedProbeWat`).
 */
export function kernelsWat(fma = false): string {
  const parts: string[] = [];
  for (const t of ['f32', 'f64'] as const) {
    const { mr, nr, mb } = TILES[fma ? 'fma' : 'plain'][t];
    const d: Dt = { ...DTS[t], mr, nr, mb };
    parts.push(storeTile(d));
    for (const mode of ['packed', 'rows'] as const) {
      parts.push(block(d, mode), micro(d, fma, mode, 1, NARROW_STRIPS));
      for (let v = 1; v <= nr / d.lanes; v++) parts.push(micro(d, fma, mode, v));
    }
    for (const w of new Set([mr, nr])) parts.push(packScalar(d, w), pack(d, w));
    parts.push(packMasked(d), gemm(d), masked(d), epilogueWat(d.t));
    parts.push(packMasked(d, true), masked(d, true), syrk(d));
    parts.push(block(d, 'rows', true), gemmUpper(d));
  }
  return `(module
  (import "env" "memory" (memory 1))${parts.join('\n')})
`;
}

/** A minimal module using one SIMD instruction: `WebAssembly.validate` of it detects SIMD. */
export function simdProbeWat(): string {
  return '(module (func (result v128) (i32x4.splat (i32.const 0))))\n';
}

/** A minimal module using one relaxed-SIMD instruction: validating it detects relaxed SIMD. */
export function relaxedProbeWat(): string {
  return '(module (func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))\n';
}
