// @mtrl/network: the two-layer ReLU network, losses and analytic gradients.
import { forward, initLayer, loadNetwork, lossAndGrads, saveNetwork } from '@mtrl/network';
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

// Versioned JSON save/load.
const json = JSON.parse(JSON.stringify(saveNetwork({ layer, seed: 0 })));
console.log(loadNetwork(json).layer.w.shape); // [64, 32]
