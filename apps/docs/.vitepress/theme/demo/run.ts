/**
 * The demo's computation, with the real packages: multi-task pretraining with live probes,
 * then the chosen baseline, then a linear probe on each representation for two downstream
 * tasks. It runs in a Web Worker in the page (see `worker.ts`) and in Node in the tests.
 */
import { BASELINES, multiTaskAsync } from '@mtrl/baselines';
import type { PretrainConfig } from '@mtrl/pretrain';
import { coverage, evaluateDownstream, subspaceEnergy } from '@mtrl/probes';
import { drawTask, groundTruth, type TaskFamily, taskSuite } from '@mtrl/tasks';
import { type ElementwisePath, elementwisePath, getBackend, key, split } from '@mtrl/tensors';
import { DEMO_BASELINES, type DemoParams, N_TEST, validateParams } from './params.js';

/** One downstream accuracy row: a task and the accuracy of each method on it. */
export interface DownstreamRow {
  readonly task: string;
  readonly multiTask: number;
  readonly baseline: number;
}

/** The end result of a run. */
export interface DemoResult {
  readonly params: DemoParams;
  /** r / d: the subspace energy of a random layer, in expectation. */
  readonly randomEnergy: number;
  readonly multiTask: { readonly energy: number; readonly coverage: number };
  readonly baseline: {
    readonly name: string;
    readonly label: string;
    readonly energy: number;
    readonly coverage: number;
  };
  readonly downstream: readonly DownstreamRow[];
  readonly seconds: number;
  /** Worker threads that ran the pretraining tasks. */
  readonly threads: number;
  /** The tensors backend of the computation (`wasm` or `js`). */
  readonly backend: string;
  /**
   * How strided elementwise operations run where the computation runs: `'ndarray-ops'` where
   * code generation from strings is allowed, `'loops'` where it is not (a page whose
   * Content-Security-Policy lacks `'unsafe-eval'`). Asking probes `new Function` once per
   * realm, which such a policy refuses and reports; the numbers are the same on both paths.
   */
  readonly elementwisePath: ElementwisePath;
}

/** Where the demo runs: its worker threads for pretraining (default 1). */
export interface DemoEnv {
  /** An integer >= 1 or `'auto'` (the browser's `navigator.hardwareConcurrency`). */
  readonly threads?: number | 'auto';
}

/** Messages from the computation to the page. */
export type DemoMessage =
  | { type: 'progress'; fraction: number; label: string }
  | {
      type: 'round';
      round: number;
      rounds: number;
      energy: number;
      coverage: number;
      layerLoss: number;
    }
  | { type: 'done'; result: DemoResult }
  | { type: 'error'; message: string };

const DOWNSTREAM: readonly { name: string; family: TaskFamily }[] = [
  { name: 'halfspace', family: { kind: 'halfspace' } },
  { name: 'xor of z₁, z₂', family: { kind: 'xor', subset: [0, 1] } },
];

const now = (): number => performance.now();

/** `'auto'`: the logical cores `navigator.hardwareConcurrency` reports (1 without it). */
function resolveThreads(threads: number | 'auto' | undefined): number {
  if (threads !== 'auto') return threads ?? 1;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/**
 * Runs the demo for `raw` parameters (validated again here), posting progress, one message per
 * pretraining round (energy and coverage), and the result or an error. Pretraining runs on
 * `env.threads` worker threads (module Web Workers in the browser, nested inside the demo's own
 * worker); the result is the same for any thread count. The promise never rejects: errors
 * are posted.
 */
export async function runDemo(
  raw: Readonly<Record<string, unknown>>,
  post: (m: DemoMessage) => void,
  env: DemoEnv = {},
): Promise<void> {
  const start = now();
  try {
    const v = validateParams(raw);
    if (!v.ok) {
      const msg = Object.entries(v.errors)
        .map(([k, e]) => `${k}: ${e}`)
        .join('; ');
      throw new RangeError(`invalid parameters: ${msg}`);
    }
    const p = v.params;
    // The form's seed becomes a key once; every draw below takes a part of it. The methods all
    // get kMethod, so multi-task pretraining and the baseline start from the same initial layer.
    const [kGt, kSuite, kTasks, kMethod, kEval] = split(key(p.seed), 5);
    const gt = groundTruth(kGt, { d: p.d, r: p.r });
    const suite = taskSuite(kSuite, { kind: 'halfspace' }, gt, p.T);
    const config: PretrainConfig = {
      m: p.m,
      n1: p.n1,
      n2: p.n2,
      alpha: 1,
      eta: p.eta,
      rounds: p.rounds,
      normalizeRows: p.normalizeRows,
      dtype: 'float32',
      sampler: p.sampler,
    };
    const setup = { gt, suite, config };
    // Pretraining is about 90 % of the time; the rest is split between baseline and probes.
    const pretrainShare = 0.9;
    let lastPost = 0;
    post({ type: 'progress', fraction: 0, label: 'pretraining' });
    const threads = Math.min(resolveThreads(env.threads), p.T);
    const rep = await multiTaskAsync(kMethod, setup, {
      threads,
      probes: {
        energy: (layer) => subspaceEnergy(layer.w, gt),
        coverage: (layer) => coverage(layer.w, gt).ratio,
      },
      onTask: (e) => {
        const t = now();
        if (t - lastPost < 50) return; // at most 20 progress messages a second
        lastPost = t;
        const done = (e.round - 1) * e.tasks + e.task + 1;
        post({
          type: 'progress',
          fraction: (pretrainShare * done) / (e.rounds * e.tasks),
          label: `pretraining: round ${e.round} of ${e.rounds}, task ${e.task + 1} of ${e.tasks}`,
        });
      },
      onRound: (e) => {
        post({
          type: 'round',
          round: e.round,
          rounds: e.rounds,
          energy: e.probes.energy,
          coverage: e.probes.coverage,
          layerLoss: e.layerLoss,
        });
        return undefined;
      },
    });
    post({ type: 'progress', fraction: pretrainShare, label: `baseline: ${p.baseline}` });
    const base = BASELINES[p.baseline](kMethod, setup);
    const downstream: DownstreamRow[] = [];
    DOWNSTREAM.forEach((ds, i) => {
      post({
        type: 'progress',
        fraction: pretrainShare + ((1 - pretrainShare) * (i + 0.5)) / DOWNSTREAM.length,
        label: `linear probes: ${ds.name}`,
      });
      // xor needs two coordinates; with r = 1 it is the halfspace sign(z₁) again.
      const family: TaskFamily =
        ds.family.kind === 'xor' && p.r < 2 ? { kind: 'xor', subset: [0] } : ds.family;
      const task = drawTask(split(kTasks, DOWNSTREAM.length)[i], family, gt);
      const evaluate = (features: (typeof rep)['features']) =>
        evaluateDownstream(kEval, {
          features,
          task,
          gt,
          nTrain: p.nTrain,
          nTest: N_TEST,
          sampler: p.sampler,
        }).testAccuracy;
      downstream.push({
        task: ds.name,
        multiTask: evaluate(rep.features),
        baseline: evaluate(base.features),
      });
    });
    const result: DemoResult = {
      params: p,
      randomEnergy: p.r / p.d,
      multiTask: {
        energy: subspaceEnergy(rep.layer.w, gt),
        coverage: coverage(rep.layer.w, gt).ratio,
      },
      baseline: {
        name: p.baseline,
        label: DEMO_BASELINES[p.baseline].description,
        energy: subspaceEnergy(base.layer.w, gt),
        coverage: coverage(base.layer.w, gt).ratio,
      },
      downstream,
      seconds: (now() - start) / 1000,
      threads,
      backend: getBackend(),
      elementwisePath: elementwisePath(),
    };
    post({ type: 'progress', fraction: 1, label: 'done' });
    post({ type: 'done', result });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
