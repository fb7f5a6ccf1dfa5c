// @mtrl/tasks: a ground-truth subspace, task families and streamed samples.
import {
  batchKey,
  type CustomDrawFamily,
  drawTask,
  groundTruth,
  sampleTask,
  taskSuite,
} from '@mtrl/tasks';
import { key, normal, split, toArray } from '@mtrl/tensors';

const [kGt, kTasks, kRun, kXor, kSample, kCustom, kInputs] = split(key(0), 7);
const gt = groundTruth(kGt, { d: 128, r: 4 }); // M: [4, 128] with M M^T = I
// 16 halfspace tasks on z = Mx, each label flipped with probability 0.05.
const suite = taskSuite(kTasks, { kind: 'halfspace', noise: 0.05 }, gt, 16);
const inputs = { kind: 'gaussian' } as const;

// Round 0, task 3: n1 samples for the head and n2 independent ones for the layer step.
const s1 = sampleTask(batchKey(kRun, 0, 3, 'head'), suite.tasks[3], gt, inputs, 256);
const s2 = sampleTask(batchKey(kRun, 0, 3, 'layer'), suite.tasks[3], gt, inputs, 256);
console.log(s1.x.shape, s1.y.shape, s2.z.shape); // [256, 128] [256] [256, 4]

// Labels are exactly -1 or +1 (sign(0) = +1).
console.log(new Set(toArray(s1.y))); // Set { 1, -1 } (in some order)

// A hard downstream task: the xor of the signs of the first two ground-truth coordinates.
const xor = drawTask(kXor, { kind: 'xor', subset: [0, 1] }, gt);
const sample = sampleTask(kSample, xor, gt, inputs, 4);
console.log(toArray(sample.y)); // four labels in {-1, +1}

// A family of your own: draw(key, { r, index }) returns task t's labelling of z, drawn from
// task t's own key, so the tasks differ. taskSuite refuses a task whose labels are almost all
// one sign (|E y| above 0.9 on z ~ N(0, I_r)); here sign(<u, z> |<v, z>|) is balanced.
const bent: CustomDrawFamily = {
  kind: 'custom',
  name: 'bent',
  draw: (taskKey, { r }) => {
    const uv = normal(taskKey, [2, r]).data;
    return (z) => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < r; i++) {
        a += uv[i] * z[i];
        b += uv[r + i] * z[i];
      }
      return a * Math.abs(b);
    };
  },
};
const custom = taskSuite(kCustom, bent, gt, 8);
const firstLabels = custom.tasks.map((t) => toArray(sampleTask(kInputs, t, gt, inputs, 6).y));
console.log(firstLabels.slice(0, 2)); // two tasks, the same inputs, different labels
