// @mtrl/optim: optimizers as init/update pairs over named tensors.
import { adam, applyUpdates, cosineDecaySchedule, sgd } from '@mtrl/optim';
import { fromArray, scale, sub, toArray } from '@mtrl/tensors';

// Minimise f(w) = ||w - c||^2 with Adam and a cosine-decayed learning rate.
const c = fromArray([1, -2]);
const opt = adam(cosineDecaySchedule(0.1, 300));
let params = { w: fromArray([0, 0]) };
let state = opt.init(params);
for (let step = 0; step < 300; step++) {
  const grads = { w: scale(sub(params.w, c), 2) }; // the gradient of ||w - c||^2
  const [updates, next] = opt.update(grads, state, params);
  params = applyUpdates(params, updates);
  state = next;
}
console.log(toArray(params.w)); // ≈ [1, -2]

// State is a value: the old state stays valid, so a run can be forked or replayed.
const momentum = sgd(0.1, { momentum: 0.9 });
const s0 = momentum.init(params);
const [u1] = momentum.update({ w: fromArray([1, 1]) }, s0);
const [u2] = momentum.update({ w: fromArray([1, 1]) }, s0); // same state, same update
console.log(toArray(u1.w), toArray(u2.w)); // [-0.1, -0.1] twice
