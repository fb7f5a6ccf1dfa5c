import type * as NdarrayOps from './_ndarrayOps.js';
import { isContiguous, type Tensor } from './tensor.js';

/**
 * How strided elementwise operations run: `'ndarray-ops'` (its loops compiled with
 * `new Function`) or `'loops'` (this package's plain loops, no code generation).
 */
export type ElementwisePath = 'ndarray-ops' | 'loops';

let codeGeneration: boolean | undefined;
let loaded: typeof NdarrayOps | undefined;
let loading: Promise<boolean> | undefined;
let failed = false;
let forcedLoops = false;

// Asked once per realm. Under a Content-Security-Policy without 'unsafe-eval' this one probe is
// refused (and reported, like any refused eval); nothing else in the package tries again.
function codeGenerationAllowed(): boolean {
  if (codeGeneration === undefined) {
    try {
      codeGeneration = new Function('return 1')() === 1;
    } catch {
      codeGeneration = false;
    }
  }
  return codeGeneration;
}

/**
 * The path that elementwise operations on non-contiguous operands (transposes, column slices)
 * take in this realm: `'ndarray-ops'` where code generation from strings is allowed, `'loops'`
 * where it is not (Node with `--disallow-code-generation-from-strings`, a page whose
 * Content-Security-Policy lacks `'unsafe-eval'`, edge runtimes that forbid `new Function`), and
 * `'loops'` for good should ndarray-ops fail to load or to compile.
 *
 * Both paths give bit-identical results, so the path changes speed, never numbers. Contiguous
 * operands, `axpyInto`, `map` and every reduction always run the package's own loops. On the
 * `'ndarray-ops'` path, ndarray-ops is imported in the background by the first strided
 * operation, which (like any call before the import finishes) runs the loops; the package
 * index never imports it, so loading the package compiles nothing. The first call of this
 * function or of a strided operation probes `new Function` once, which a strict CSP reports
 * as a violation.
 *
 * @returns `'ndarray-ops'` or `'loops'`
 * @example
 * elementwisePath(); // returns 'ndarray-ops' in plain Node, 'loops' under
 *                    // node --disallow-code-generation-from-strings
 */
export function elementwisePath(): ElementwisePath {
  return codeGenerationAllowed() && !failed ? 'ndarray-ops' : 'loops';
}

/**
 * Starts importing ndarray-ops where code generation is allowed; resolves to whether it is
 * loaded (false on the loops path, never rejects). @internal
 */
export function loadNdarrayOps(): Promise<boolean> {
  if (loading === undefined) {
    loading =
      elementwisePath() === 'loops'
        ? Promise.resolve(false)
        : import('./_ndarrayOps.js').then(
            (m) => {
              loaded = m;
              return true;
            },
            () => {
              failed = true;
              return false;
            },
          );
  }
  return loading;
}

/**
 * Runs `run` with ndarray-ops when an operand is not contiguous and ndarray-ops is loaded, and
 * returns true; otherwise returns false and the caller runs its loops (the first strided call
 * starts the import). An EvalError, should code generation be refused after the probe, moves
 * this realm to the loops for good; it happens before ndarray-ops writes anything. @internal
 */
export function viaNdarrayOps(
  operands: readonly Tensor[],
  run: (ops: typeof NdarrayOps) => void,
): boolean {
  if (forcedLoops || operands.every((t) => isContiguous(t))) return false;
  if (loaded === undefined) {
    if (loading === undefined) void loadNdarrayOps();
    return false;
  }
  try {
    run(loaded);
    return true;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    loaded = undefined;
    failed = true;
    return false;
  }
}

/** Sends every operation to the loops (`true`) or back to the default paths (tests). @internal */
export function forceLoops(on: boolean): void {
  forcedLoops = on;
}
