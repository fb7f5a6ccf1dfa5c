import {
  addLayerGrads,
  fitHead,
  headLossAndGrad,
  hidden,
  type Layer,
  lossAndGrads,
} from '@mtrl/network';
import { adam, type Params, sgd, type Transform } from '@mtrl/optim';
import {
  addInto,
  axpyInto,
  copy,
  type DType,
  type Matrix,
  scale,
  type Vector,
} from '@mtrl/tensors';
import type {
  HeadStep,
  HeadStepInput,
  LayerGradientInput,
  LayerGradientName,
  LayerGradientStep,
  Reduction,
  ReductionSpec,
} from './algorithm.js';
import type { HeadUpdate, LayerOptimizer } from './config.js';

/** The inner steps of first-order MAML as plain data: `steps` gradient steps on W, b and a. */
export interface MamlHeadStep {
  readonly mode: 'maml';
  /** Gradient steps of size alpha on S1; default 1. */
  readonly steps?: number;
  /** Also adapt the biases b; default the config's `trainBias`. */
  readonly bias?: boolean;
}

/** A built-in head step as plain data. */
export type HeadStepData = HeadUpdate | MamlHeadStep;

/**
 * The built-in head step a plain-data spec names (docs: Specification, 'Head updates'):
 * `step` (gradient steps on the head from its start), `fit` (the regularised convex solve),
 * `fixed` (no adaptation, no S1) or `maml` (gradient steps on a copy of W, b and the head).
 *
 * @example
 * headStep({ mode: 'step', steps: 2 }).samples; // returns true
 */
export function headStep(spec: HeadStepData): HeadStep {
  switch (spec.mode) {
    case 'fixed':
      return {
        name: 'fixed',
        samples: false,
        adapt: ({ head }) => ({ head, headLoss: Number.NaN }),
      };
    case 'step': {
      const steps = spec.steps ?? 1;
      return {
        name: 'step',
        samples: true,
        adapt({ layer, head, s1, loss, alpha, features }) {
          // Features of S1 are computed once: only the head moves during the head update.
          const h1 = hidden(layer, s1.x, features);
          const a = copy(head);
          let headLoss = Number.NaN;
          for (let s = 0; s < steps; s++) {
            const { loss: value, grad } = headLossAndGrad(h1, a, s1.y, loss);
            if (s === 0) headLoss = value;
            axpyInto(a, -alpha, grad);
          }
          return { head: a, headLoss };
        },
      };
    }
    case 'fit':
      return {
        name: 'fit',
        samples: true,
        adapt({ layer, head, s1, loss, features }) {
          const h1 = hidden(layer, s1.x, features);
          const headLoss = headLossAndGrad(h1, head, s1.y, loss).loss;
          const fit = fitHead(h1, s1.y, loss, {
            init: head,
            l2: spec.l2,
            tol: spec.tol,
            maxIter: spec.maxIter,
          });
          return { head: fit.head, headLoss, headConverged: fit.converged };
        },
      };
    case 'maml': {
      const steps = spec.steps ?? 1;
      const bias = spec.bias ?? false;
      return {
        name: 'maml',
        samples: true,
        adapt<D extends DType>({ layer, head, s1, loss, alpha }: HeadStepInput<D>) {
          const adapted: Layer<D> = {
            w: copy(layer.w),
            b: copy(layer.b),
            ...(layer.activation === undefined ? {} : { activation: layer.activation }),
          };
          const a = copy(head);
          let headLoss = Number.NaN;
          for (let s = 0; s < steps; s++) {
            // Every gradient at the same (W, b, a), then all three move.
            const g = lossAndGrads(adapted, a, s1, loss, { b: bias });
            if (s === 0) headLoss = g.loss;
            axpyInto(adapted.w, -alpha, g.w as Matrix);
            if (bias) axpyInto(adapted.b, -alpha, g.b as Vector);
            axpyInto(a, -alpha, g.head as Vector);
          }
          return { head: a, layer: adapted, headLoss };
        },
      };
    }
  }
}

/**
 * The built-in per-task gradient a name gives: `'layer'` (the paper's: the weighted dL/dW and
 * dL/db summed into `out` by the fused kernel) or `'layer-and-head'` (the gradients of W, b and
 * the head at the same parameters; the layer's scaled by the weight after it is computed).
 *
 * @example
 * layerGradient('layer-and-head').headGradient; // returns true
 */
export function layerGradient(name: LayerGradientName): LayerGradientStep {
  if (name === 'layer')
    return {
      name,
      headGradient: false,
      compute({ layer, head, s2, loss, weight, out, workspace }) {
        fillZero(out.w);
        if (out.b !== undefined) fillZero(out.b);
        return { loss: addLayerGrads(layer, head, s2, loss, out, weight, workspace) };
      },
    };
  return {
    name,
    headGradient: true,
    compute<D extends DType>(input: LayerGradientInput<D>) {
      const { layer, head, s2, loss, weight, headWeight, out } = input;
      const g = lossAndGrads(layer, head, s2, loss, { b: out.b !== undefined });
      fillZero(out.w);
      axpyInto(out.w, weight, g.w as Matrix);
      if (out.b !== undefined) {
        fillZero(out.b);
        axpyInto(out.b, weight, g.b as Vector);
      }
      const gh = g.head as Vector<D>;
      return { loss: g.loss, head: headWeight === 1 ? gh : scale(gh, headWeight) };
    },
  };
}

/**
 * The built-in reduction a spec names: `'mean'` (weights 1/T) or `{ kind: 'weighted', weights }`;
 * both add the weighted gradients in task order.
 *
 * @example
 * reduction('mean').weight?.(0, 4); // returns 0.25
 */
export function reduction(spec: ReductionSpec): Reduction {
  const add: Reduction['add'] = (acc, task) => {
    addInto(acc.w, acc.w, task.w);
    if (acc.b !== undefined && task.b !== undefined) addInto(acc.b, acc.b, task.b);
    if (acc.head !== undefined && task.head !== undefined) addInto(acc.head, acc.head, task.head);
  };
  if (spec === 'mean') return { name: 'mean', weight: (_t, T) => 1 / T, add };
  const weights = spec.weights;
  return { name: 'weighted', weight: (t) => weights[t] as number, add };
}

/** The optim transform of a {@link LayerOptimizer} with learning rate `eta`. */
export function layerOptimizer(spec: LayerOptimizer, eta: number): Transform<unknown> {
  switch (spec.kind) {
    case 'step':
      return sgd(eta) as Transform<unknown>;
    case 'momentum':
      return sgd(eta, {
        momentum: spec.momentum,
        nesterov: spec.nesterov ?? false,
      }) as Transform<unknown>;
    case 'adam':
      return adam(eta, { b1: spec.b1, b2: spec.b2, eps: spec.eps }) as Transform<unknown>;
  }
}

/**
 * One transform over `{ w, b?, heads? }` that updates the per-task heads `heads` with
 * `forHeads` and every other parameter with `forLayer` (each with its own state). @internal
 */
export function splitHeadsTransform(
  forLayer: Transform<unknown>,
  forHeads: Transform<unknown>,
): Transform<{ layer: unknown; heads: unknown }> {
  const parts = (p: Params): [Params, Params | undefined] => {
    const { heads, ...rest } = p;
    return [rest, heads === undefined ? undefined : { heads }];
  };
  return {
    init(params) {
      const [rest, heads] = parts(params);
      return { layer: forLayer.init(rest), heads: heads && forHeads.init(heads) };
    },
    update(grads, state, params) {
      const [gRest, gHeads] = parts(grads);
      const [pRest, pHeads] = params === undefined ? [undefined, undefined] : parts(params);
      const [uRest, sRest] = forLayer.update(gRest, state.layer, pRest);
      if (gHeads === undefined) return [uRest, { layer: sRest, heads: state.heads }];
      const [uHeads, sHeads] = forHeads.update(gHeads, state.heads, pHeads);
      return [
        { ...uRest, ...uHeads },
        { layer: sRest, heads: sHeads },
      ];
    },
  };
}

/** Sets every entry of a (possibly strided) matrix or vector to 0. @internal */
export function fillZero(t: Matrix | Vector): void {
  if (t.shape.length === 1) {
    const [n] = t.shape;
    for (let i = 0; i < n; i++) t.data[t.offset + i * t.stride[0]] = 0;
    return;
  }
  const [rows, cols] = t.shape as readonly [number, number];
  const [s0, s1] = t.stride as readonly [number, number];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) t.data[t.offset + i * s0 + j * s1] = 0;
}
