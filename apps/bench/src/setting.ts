import type { Layer } from '@mtrl/network';
import type { AlgorithmSpec, PretrainConfig, RoundEvent } from '@mtrl/pretrain';
import {
  coverage,
  evaluateDownstream,
  type FeatureMap,
  subspaceAngles,
  subspaceEnergy,
} from '@mtrl/probes';
import {
  drawTask,
  type GroundTruth,
  groundTruth,
  type InputDistribution,
  mixtureDistribution,
  type Task,
  type TaskFamily,
  type TaskSuite,
  taskSuite,
} from '@mtrl/tasks';
import { foldIn, type Key, key, splitNamed } from '@mtrl/tensors';
import type { StudyConfig } from './config.js';

/** Everything one seed of a study shares across methods: the ground truth, tasks and keys. */
export interface SeedContext {
  readonly seed: number;
  readonly gt: GroundTruth;
  readonly inputs: InputDistribution;
  readonly suite: TaskSuite;
  /** Key of the probe features' fresh biases. */
  readonly featureKey: Key;
  /** Key of the downstream samples. */
  readonly downstreamKey: Key;
  /**
   * Key every method is given (pretraining, its initial layer, the features' biases): methods
   * that share it start from the same initial layer.
   */
  readonly methodKey: Key;
  /** Downstream tasks by name. */
  readonly downstream: readonly { name: string; task: Task }[];
}

/** The parts of a seed's key, in split order. */
const PARTS = ['groundTruth', 'suite', 'inputs', 'features', 'downstream', 'method'] as const;

/**
 * The shared context of one seed of a study. The seed becomes a key here, once (`key(seed)`);
 * every random part of the study is split from it by name.
 */
export function seedContext(cfg: StudyConfig, seed: number): SeedContext {
  const k = splitNamed(key(seed), PARTS);
  const gt = groundTruth(k.groundTruth, {
    d: cfg.groundTruth.d,
    r: cfg.groundTruth.r,
    kind: cfg.groundTruth.kind,
    ...(cfg.groundTruth.coordinates ? { coordinates: cfg.groundTruth.coordinates } : {}),
    dtype: cfg.pretrain.dtype,
  });
  const inputs: InputDistribution =
    cfg.inputs.kind === 'mixture'
      ? mixtureDistribution(k.inputs, {
          r: cfg.groundTruth.r,
          k: cfg.inputs.k,
          centreStd: cfg.inputs.centreStd,
          noiseStd: cfg.inputs.noiseStd,
        })
      : { kind: cfg.inputs.kind };
  const suite = taskSuite(k.suite, cfg.family as TaskFamily, gt, cfg.pretrain.T);
  const downstream = cfg.downstream.tasks.map((t, i) => ({
    name: t.name,
    task: drawTask(foldIn(k.downstream, 1000 + i), t.family as TaskFamily, gt),
  }));
  return {
    seed,
    gt,
    inputs,
    suite,
    featureKey: k.features,
    downstreamKey: k.downstream,
    methodKey: k.method,
    downstream,
  };
}

/**
 * The pretraining config of a study (the knobs shared by every pretrained method). It holds no
 * randomness: each method's key (`SeedContext.methodKey`) seeds its run.
 */
export function pretrainConfigOf(cfg: StudyConfig): PretrainConfig {
  const p = cfg.pretrain;
  return {
    m: p.m,
    n1: p.n1,
    n2: p.n2,
    alpha: p.alpha,
    eta: p.eta,
    rounds: p.rounds,
    loss: p.loss,
    head: p.head,
    ...(p.headInit ? { headInit: p.headInit } : {}),
    ...(p.optimizer ? { optimizer: p.optimizer } : {}),
    trainBias: p.trainBias,
    normalizeRows: p.normalizeRows,
    centerLabels: p.centerLabels,
    ...(p.init ? { init: p.init } : {}),
    dtype: p.dtype,
    // Only when asked for: an explicit run's config stays as it was before samplers existed.
    ...(p.sampler === 'projected' ? { sampler: 'projected' as const } : {}),
    // Plain data checked by the schema; pretraining checks it again (parseStudy runs its check).
    ...(p.algorithm !== undefined ? { algorithm: p.algorithm as AlgorithmSpec } : {}),
  };
}

/** What the probes say about a learned layer. */
export interface LayerProbes {
  readonly energy: number;
  readonly coverage: number;
  readonly effectiveRank: number;
  readonly singularValues: readonly number[];
  /** Principal angles (radians, ascending) between span(M^T) and the top-r right singular subspace of W. */
  readonly anglesDeg: readonly number[];
}

/** Subspace energy and coverage ratio of a layer: the two probes the reproduction reports. */
export function energyAndCoverage(
  layer: Layer,
  gt: GroundTruth,
): { energy: number; coverage: number } {
  return { energy: subspaceEnergy(layer.w, gt), coverage: coverage(layer.w, gt).ratio };
}

/** Energy, coverage and principal angles of a layer against the ground truth. */
export function probeLayer(layer: Layer, gt: GroundTruth): LayerProbes {
  const cov = coverage(layer.w, gt);
  return {
    energy: subspaceEnergy(layer.w, gt),
    coverage: cov.ratio,
    effectiveRank: cov.effectiveRank,
    singularValues: cov.singularValues,
    anglesDeg: subspaceAngles(layer.w, gt).map((a) => (a * 180) / Math.PI),
  };
}

/** A probe's accuracy on one downstream task, beside the majority-class rate of its test set. */
export interface DownstreamScore {
  readonly testAccuracy: number;
  readonly trainAccuracy: number;
  readonly converged: boolean;
  /** The accuracy of always guessing the test set's commoner label: what accuracy must beat. */
  readonly majorityRate: number;
}

/** Test accuracy of a linear probe on frozen features `phi`, for each downstream task (the same samples for every method). */
export function downstreamAccuracy(
  phi: FeatureMap,
  ctx: SeedContext,
  cfg: StudyConfig,
  nTrain = cfg.downstream.nTrain,
): Record<string, DownstreamScore> {
  const out: Record<string, DownstreamScore> = {};
  ctx.downstream.forEach(({ name, task }, i) => {
    const res = evaluateDownstream(foldIn(ctx.downstreamKey, i), {
      features: phi,
      task,
      gt: ctx.gt,
      inputs: ctx.inputs,
      nTrain,
      nTest: cfg.downstream.nTest,
      probe: { l2: cfg.downstream.l2 },
      ...(cfg.downstream.sampler === 'projected' ? { sampler: 'projected' as const } : {}),
    });
    out[name] = {
      testAccuracy: res.testAccuracy,
      trainAccuracy: res.trainAccuracy,
      converged: res.converged,
      majorityRate: Math.max(res.testPositiveRate, 1 - res.testPositiveRate),
    };
  });
  return out;
}

/** Progress of one pretraining run, forwarded to the command's progress display. */
export type OnRound = (e: RoundEvent) => void;
