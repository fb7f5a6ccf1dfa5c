import {
  assertTensor,
  copy,
  type DType,
  type FloatArray,
  isContiguous,
  type Tensor,
  zeros,
} from '@mtrl/tensors';
import { scaleKernel } from './_kernels/scale.js';
import type { Params } from './types.js';

// Helpers over named parameter records: validation at the API boundary, and the flat views the
// kernels in `_kernels/` loop over.

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Throws unless `params` is a record of float32/float64 tensors. `name` is how the argument is
 * called in the message (`grads`, `state.mu`, ...).
 */
export function checkParams(op: string, name: string, params: unknown): asserts params is Params {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new TypeError(
      `${op}: ${name} must be a record of named tensors, got ${params === null ? 'null' : Array.isArray(params) ? 'an array' : typeof params}`,
    );
  }
  for (const [key, t] of Object.entries(params)) assertTensor(op, `${name}.${key}`, t);
}

/**
 * Throws unless `a` and `b` hold the same parameter names with the same shapes (dtypes may
 * differ). Both must already have passed {@link checkParams}.
 */
export function checkSameTree(
  op: string,
  aName: string,
  a: Params,
  bName: string,
  b: Params,
): void {
  for (const key of Object.keys(a)) {
    if (!Object.hasOwn(b, key)) {
      throw new RangeError(
        `${op}: parameter names differ: ${aName} has '${key}' but ${bName} does not (${bName} has ${fmtKeys(b)})`,
      );
    }
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key)) {
      throw new RangeError(
        `${op}: parameter names differ: ${bName} has '${key}' but ${aName} does not (${aName} has ${fmtKeys(a)})`,
      );
    }
  }
  for (const key of Object.keys(a)) {
    const sa = a[key].shape;
    const sb = b[key].shape;
    if (sa.length !== sb.length || sa.some((s, k) => s !== sb[k])) {
      throw new RangeError(
        `${op}: shape mismatch for '${key}': ${aName}.${key} is ${fmtShape(sa)} but ${bName}.${key} is ${fmtShape(sb)}`,
      );
    }
  }
}

function fmtKeys(p: Params): string {
  const keys = Object.keys(p);
  return keys.length === 0 ? 'none' : keys.map((k) => `'${k}'`).join(', ');
}

/** Throws unless `state` is a non-null object (the transform then checks its fields). */
export function checkState(op: string, state: unknown): asserts state is object {
  if (state === null || typeof state !== 'object') {
    throw new TypeError(
      `${op}: state must be the object returned by init or update, got ${state === null ? 'null' : typeof state}`,
    );
  }
}

/** A zero tensor with the shape of `t`, in `dtype` (default: the dtype of `t`). */
export function zerosLike(t: Tensor, dtype: DType = t.dtype): Tensor {
  return zeros(t.shape, { dtype });
}

/** Zero tensors with the names, shapes and dtypes of `params`. */
export function zerosLikeParams(params: Params): Params {
  const out: Record<string, Tensor> = {};
  for (const key of Object.keys(params)) out[key] = zerosLike(params[key]);
  return out;
}

/** The elements of `t` in row-major order: `data[offset + i]`, for `i < size`. */
export interface Flat {
  readonly data: FloatArray;
  readonly offset: number;
}

/**
 * A row-major view of `t` the kernels can loop over with unit stride: `t` itself when it is
 * contiguous, otherwise a copy (transposes and column slices).
 */
export function flat(t: Tensor): Flat {
  const c = isContiguous(t) ? t : copy(t);
  return { data: c.data, offset: c.offset };
}

/** Number of elements of a tensor. */
export function sizeOfTensor(t: Tensor): number {
  return t.shape.length === 1 ? t.shape[0] : t.shape[0] * (t.shape[1] as number);
}

/** `alpha * g` for every tensor of `grads`, as new contiguous tensors of the same dtype. */
export function scaleParams(grads: Params, alpha: number): Params {
  const out: Record<string, Tensor> = {};
  for (const key of Object.keys(grads)) {
    const g = grads[key];
    const u = zerosLike(g);
    const x = flat(g);
    scaleKernel(sizeOfTensor(g), u.data, alpha, x.data, x.offset);
    out[key] = u;
  }
  return out;
}
