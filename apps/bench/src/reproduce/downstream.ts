import { type FeatureMap, fitLinearProbe, score } from '@mtrl/probes';
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
 */
export class DownstreamEvaluator {
  private readonly samples = new Map<string, TaskSample>();
  private readonly features = new WeakMap<FeatureMap, WeakMap<TaskSample, Matrix<'float64'>>>();

  constructor(
    private readonly ctx: SeedContext,
    private readonly cfg: StudyConfig,
  ) {}

  /** Test accuracy per downstream task, as `downstreamAccuracy(phi, ctx, cfg, nTrain)[task].testAccuracy`. */
  testAccuracy(phi: FeatureMap, nTrain = this.cfg.downstream.nTrain): Record<string, number> {
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

  /** The majority-class rate of each downstream task's test set: the accuracy of always guessing its commoner label. */
  majorityRate(): Record<string, number> {
    const out: Record<string, number> = {};
    this.ctx.downstream.forEach(({ name }, i) => {
      const y = this.sample(i, 'test', this.cfg.downstream.nTest).y.data;
      let positive = 0;
      for (let k = 0; k < y.length; k++) if (y[k] > 0) positive++;
      out[name] = Math.max(positive, y.length - positive) / y.length;
    });
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
