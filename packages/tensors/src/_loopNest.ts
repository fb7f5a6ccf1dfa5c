import { isContiguous, type Tensor } from './tensor.js';

/**
 * The loops a 2-D strided kernel (`_kernels/`) runs over equal-shaped tensors:
 * `[rows, cols, then stride0, stride1 of each tensor]`, cols being the inner loop. Tensors that
 * are all contiguous run as one flat loop (`[1, n, 0, 1, 0, 1, ...]`). Otherwise the inner loop
 * follows the axis along which `ref` has the smaller |stride| (axis 0 on a tie), the order in
 * which ndarray-ops (cwise) visits a single array's elements, so a reduction accumulates in
 * ndarray-ops' order; a vector is one row. Offsets are the tensors' own.
 */
export function loopNest(ref: Tensor, ...others: Tensor[]): number[] {
  const all = [ref, ...others];
  if (ref.shape.length === 1) {
    const nest = [1, ref.shape[0]];
    for (const t of all) nest.push(0, t.stride[0]);
    return nest;
  }
  const [rows, cols] = ref.shape as readonly [number, number];
  if (all.every(isContiguous)) {
    const nest = [1, rows * cols];
    for (let k = 0; k < all.length; k++) nest.push(0, 1);
    return nest;
  }
  const rowsOuter = Math.abs(ref.stride[0]) > Math.abs(ref.stride[1] as number);
  const nest = rowsOuter ? [rows, cols] : [cols, rows];
  for (const t of all) {
    const [s0, s1] = t.stride as readonly [number, number];
    if (rowsOuter) nest.push(s0, s1);
    else nest.push(s1, s0);
  }
  return nest;
}
