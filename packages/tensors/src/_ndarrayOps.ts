import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import type { FloatArray } from './dtype.js';
import type { Tensor } from './tensor.js';

// ndarray-ops' elementwise kernels on tensors. ndarray-ops compiles its loops with `new Function`
// while this module loads, and ndarray compiles a view class on its first use for each dtype and
// rank, so nothing reachable from the package index imports this module statically:
// `elementwisePath.ts` loads it with a dynamic import, only where code generation is allowed.
// Its loops are cache-blocked when operands are laid out differently (a transposed operand),
// which the plain loops in `_kernels/elementwise.ts` are not; the two compute the same bits.

function nd(t: Tensor): NdArray<FloatArray> {
  return ndarray(t.data, [...t.shape], [...t.stride], t.offset);
}

/** `out = a + b`. */
export function add(out: Tensor, a: Tensor, b: Tensor): void {
  ops.add(nd(out), nd(a), nd(b));
}

/** `out = a - b`. */
export function sub(out: Tensor, a: Tensor, b: Tensor): void {
  ops.sub(nd(out), nd(a), nd(b));
}

/** `out = a * b`. */
export function mul(out: Tensor, a: Tensor, b: Tensor): void {
  ops.mul(nd(out), nd(a), nd(b));
}

/** `out = x * s`; in place when `out` is `x`. */
export function scale(out: Tensor, x: Tensor, s: number): void {
  if (out === x) ops.mulseq(nd(x), s);
  else ops.muls(nd(out), nd(x), s);
}

/** `out = x + s`. */
export function addScalar(out: Tensor, x: Tensor, s: number): void {
  ops.adds(nd(out), nd(x), s);
}

/** `out = Math.max(x, 0)`; in place when `out` is `x`. */
export function relu(out: Tensor, x: Tensor): void {
  if (out === x) ops.maxseq(nd(x), 0);
  else ops.maxs(nd(out), nd(x), 0);
}

/** `out = x > 0` as 1 or 0. */
export function step(out: Tensor, x: Tensor): void {
  ops.gts(nd(out), nd(x), 0);
}
