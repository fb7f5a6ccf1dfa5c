import ndarray, { type NdArray } from 'ndarray';
import type { FloatArray } from './dtype.js';
import type { Tensor } from './tensor.js';

// The one place tensors become ndarray views, so ndarray and the code it generates with
// `new Function` (which a strict Content-Security-Policy forbids) stay inside this package.

/** An ndarray view sharing the tensor's buffer, shape and strides. */
export function nd(t: Tensor): NdArray<FloatArray> {
  return ndarray(t.data, [...t.shape], [...t.stride], t.offset);
}
