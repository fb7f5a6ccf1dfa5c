// @mtrl/network: the two-layer network, its activations, losses and analytic gradients.
import {
  forward,
  initLayer,
  type Loss,
  loadNetwork,
  lossAndGrads,
  saveNetwork,
} from '@mtrl/network';
import { key, normal, rademacher, split, zeros } from '@mtrl/tensors';

const [kInit, kx, ky] = split(key(0), 3);
const layer = initLayer(kInit, { d: 32, m: 64, bias: { kind: 'zero' } }); // w_j ~ N(0, I/d)
const x = normal(kx, [128, 32]); // [n, d]
const y = rademacher(ky, [128]); // labels in {-1, +1}
const head = zeros([64]); // a_t = 0

const f = forward(layer, head, x); // f_t(x) = sum_j a_j relu(<w_j, x> + b_j)
console.log(f.shape); // [128]

const g = lossAndGrads(layer, head, { x, y }, 'logistic');
console.log(g.loss); // log 2 = 0.693... with a zero head
console.log(g.head?.shape, g.w?.shape); // [64] [64, 32]

// Another activation: the same key gives the same w and b; the layer records its activation.
const gelu = initLayer(kInit, { d: 32, m: 64, activation: 'gelu' });
console.log(gelu.activation, gelu.w.data[0] === layer.w.data[0]); // gelu true

// A loss of your own is an object with a value and a derivative in f, accepted wherever a
// loss name is: here the squared hinge max(0, 1 - y f)^2.
const squaredHinge: Loss = {
  name: 'squared-hinge',
  value: (y, f) => Math.max(0, 1 - y * f) ** 2,
  derivative: (y, f) => -2 * y * Math.max(0, 1 - y * f),
};
console.log(lossAndGrads(gelu, head, { x, y }, squaredHinge).loss); // 1 with a zero head

// Versioned JSON save/load; the activation is kept.
const json = JSON.parse(JSON.stringify(saveNetwork({ layer: gelu })));
console.log(loadNetwork(json).layer.activation, loadNetwork(json).layer.w.shape); // gelu [64, 32]
