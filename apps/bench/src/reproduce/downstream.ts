import { evaluateDownstream, type FeatureMap, fitLinearProbe, score } from '@mtrl/probes';
import { sampleTask, type TaskSample } from '@mtrl/tasks';
import { foldIn, type Matrix, split } from '@mtrl/tensors';
import type { StudyConfig } from '../config.js';
import type { SeedContext } from '../setting.js';

/**
 * Downstream test accuracies of linear probes on frozen features, computed exactly as
 * `downstreamAccuracy` (setting.ts, through `evaluateDownstream` of @mtrl/probes) computes them,
 * but remembering the samples (drawn from the same keys for every call of a seed) and the
 * features of a feature map on a sample. The sample-complexity and width curves evaluate one
 * seed's test set 11 times per method: this draws it once.
 *
 * With `downstream.sampler: 'projected'` the samples are drawn in a basis of each feature map's
 * own layer (and M), so they cannot be shared between feature maps: each call is
 * `evaluateDownstream` with the projected sampler, from the same keys, and the majority-class
 * rate is that of the test set the feature map was scored on.
 */
export class DownstreamEvaluator {
  private readonly samples = new Map<string, TaskSample>();
  private readonly features = new WeakMap<FeatureMap, WeakMap<TaskSample, Matrix<'float64'>>>();
  // Projected sampler: the test sets' positive rates per feature map, from its last scoring.
  private readonly positiveRates = new WeakMap<FeatureMap, Record<string, number>>();

  constructor(
    private readonly ctx: SeedContext,
    private readonly cfg: StudyConfig,
  ) {}

  /** Test accuracy per downstream task, as `downstreamAccuracy(phi, ctx, cfg, nTrain)[task].testAccuracy`. */
  testAccuracy(phi: FeatureMap, nTrain = this.cfg.downstream.nTrain): Record<string, number> {
    if (this.cfg.downstream.sampler === 'projected') return this.projectedAccuracy(phi, nTrain);
    const out: Record<string, number> = {};
    this.ctx.downstream.forEach(({ name }, i) => {
      const train = this.sample(i, 'train', nTrain);
      const test = this.sample(i, 'test', this.cfg.downstream.nTest);
      const probe = fitLinearProbe(this.featuresOf(phi, train), train.y, {
        l2: this.cfg.downstream.l2,
      });
      out[name] = score(probe, this.featuresOf(phi, test), test.y);
    });
    return out;
  }

  /**
   * The majority-class rate of each downstream task's test set: the accuracy of always guessing
   * its commoner label. With the projected sampler, of the test set `phi` was last scored on.
   *
   * @throws {Error} with the projected sampler, when `phi` is missing or was not scored
   */
  majorityRate(phi?: FeatureMap): Record<string, number> {
    if (this.cfg.downstream.sampler === 'projected') {
      const rates = phi === undefined ? undefined : this.positiveRates.get(phi);
      if (rates === undefined)
        throw new Error('majorityRate: with the projected sampler, score the feature map first');
      return Object.fromEntries(
        Object.entries(rates).map(([name, p]) => [name, Math.max(p, 1 - p)]),
      );
    }
    const out: Record<string, number> = {};
    this.ctx.downstream.forEach(({ name }, i) => {
      const y = this.sample(i, 'test', this.cfg.downstream.nTest).y.data;
      let positive = 0;
      for (let k = 0; k < y.length; k++) if (y[k] > 0) positive++;
      out[name] = Math.max(positive, y.length - positive) / y.length;
    });
    return out;
  }

  // The same keys as the explicit path: evaluateDownstream splits foldIn(downstreamKey, i).
  private projectedAccuracy(phi: FeatureMap, nTrain: number): Record<string, number> {
    const out: Record<string, number> = {};
    const rates: Record<string, number> = {};
    this.ctx.downstream.forEach(({ name, task }, i) => {
      const res = evaluateDownstream(foldIn(this.ctx.downstreamKey, i), {
        features: phi,
        task,
        gt: this.ctx.gt,
        inputs: this.ctx.inputs,
        nTrain,
        nTest: this.cfg.downstream.nTest,
        probe: { l2: this.cfg.downstream.l2 },
        sampler: 'projected',
      });
      out[name] = res.testAccuracy;
      rates[name] = res.testPositiveRate;
    });
    this.positiveRates.set(phi, rates);
    return out;
  }

  // The keys of evaluateDownstream: split(foldIn(downstreamKey, task index), 2) = [train, test].
  private sample(i: number, part: 'train' | 'test', n: number): TaskSample {
    const id = `${i}/${part}/${n}`;
    let s = this.samples.get(id);
    if (s === undefined) {
      const [train, test] = split(foldIn(this.ctx.downstreamKey, i), 2);
      const { task } = this.ctx.downstream[i];
      s = sampleTask(part === 'train' ? train : test, task, this.ctx.gt, this.ctx.inputs, n);
      this.samples.set(id, s);
    }
    return s;
  }

  private featuresOf(phi: FeatureMap, s: TaskSample): Matrix<'float64'> {
    let byPhi = this.features.get(phi);
    if (byPhi === undefined) {
      byPhi = new WeakMap();
      this.features.set(phi, byPhi);
    }
    let h = byPhi.get(s);
    if (h === undefined) {
      h = phi(s.x);
      byPhi.set(s, h);
    }
    return h;
  }
}
