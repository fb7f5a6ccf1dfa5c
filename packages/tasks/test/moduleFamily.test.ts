import { foldIn, key, normal } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  type CustomTask,
  canRebuild,
  groundTruth,
  isModuleRef,
  labelTask,
  loadFamily,
  loadModuleRef,
  type ModuleRef,
  rebuildTask,
  rebuildTasks,
  type TaskData,
  taskData,
  taskSuite,
  taskSuiteAsync,
} from '../src/index.js';

const fixture = new URL('./fixtures/bumps.mjs', import.meta.url).href;
const ref: ModuleRef = { module: fixture, params: { scale: 2 } };
const gt = groundTruth(key(0), { d: 12, r: 3 });

describe('module families', () => {
  it('isModuleRef recognises references', () => {
    expect(isModuleRef(ref)).toBe(true);
    expect(isModuleRef({ module: fixture, export: 'constant' })).toBe(true);
    expect(isModuleRef({ module: '' })).toBe(false);
    expect(isModuleRef({ module: fixture, export: 3 })).toBe(false);
    expect(isModuleRef({ kind: 'custom', fn: () => 1 })).toBe(false);
    expect(isModuleRef(null)).toBe(false);
  });

  it('loadModuleRef calls the factory with its params', async () => {
    const family = (await loadModuleRef(ref)) as { name: string; draw: unknown };
    expect(family.name).toBe('bumps');
    expect(typeof family.draw).toBe('function');
  });

  it('loads a family from a file URL and draws per-task labellings that keep their reference', async () => {
    const loaded = await loadFamily(ref);
    expect(loaded).toMatchObject({
      kind: 'custom',
      name: 'bumps',
      noise: 0,
      module: { module: fixture, export: 'default', params: { scale: 2 } },
    });
    const suite = await taskSuiteAsync(key(3), { kind: 'custom', module: ref, noise: 0.1 }, gt, 4);
    const tasks = suite.tasks as CustomTask[];
    expect(tasks.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(tasks.map((t) => t.key)).toEqual([0, 1, 2, 3].map((t) => foldIn(key(3), t)));
    expect(tasks.every((t) => t.noise === 0.1 && t.name === 'bumps')).toBe(true);
    // The same tasks as drawing from the loaded family on this thread.
    const direct = taskSuite(key(3), { ...loaded, noise: 0.1 }, gt, 4);
    const z = normal(key(4), [300, 3] as const);
    const labels = tasks.map((t) => Array.from(labelTask(t, z).data));
    expect(direct.tasks.map((t) => Array.from(labelTask(t, z).data))).toEqual(labels);
    expect(labels[0]).not.toEqual(labels[1]);
    expect(tasks.every(canRebuild)).toBe(true);
  });

  it('rebuilds the tasks from plain data, labelling bit for bit as the originals', async () => {
    const suite = await taskSuiteAsync(key(3), { kind: 'custom', module: ref }, gt, 5);
    const data = suite.tasks.map(taskData);
    // Plain data: survives JSON and structured cloning.
    const wire = JSON.parse(JSON.stringify(structuredClone(data))) as TaskData[];
    expect(wire).toEqual(data);
    expect(wire[2]).toEqual({
      kind: 'custom',
      r: 3,
      noise: 0,
      name: 'bumps',
      module: { module: fixture, export: 'default', params: { scale: 2 } },
      key: foldIn(key(3), 2),
      index: 2,
    });
    const rebuilt = await rebuildTasks(wire);
    const z = normal(key(5), [500, 3] as const);
    for (let t = 0; t < 5; t++) {
      const a = suite.tasks[t] as CustomTask;
      const b = rebuilt[t] as CustomTask;
      expect(Array.from(labelTask(b, z).data)).toEqual(Array.from(labelTask(a, z).data));
      // The raw scores too, not only their signs.
      for (let i = 0; i < 50; i++) {
        const zi = z.data.slice(i * 3, i * 3 + 3);
        expect(Object.is(b.fn(zi), a.fn(zi))).toBe(true);
      }
      expect({ ...b, fn: undefined }).toEqual({ ...a, fn: undefined });
    }
    const one = await rebuildTask(wire[4]);
    expect(Array.from(labelTask(one, z).data)).toEqual(
      Array.from(labelTask(suite.tasks[4], z).data),
    );
  });

  it('passes built-in tasks through taskData and rebuildTasks unchanged', async () => {
    const suite = taskSuite(key(1), { kind: 'teacher', width: 3 }, gt, 2);
    const data = suite.tasks.map(taskData);
    expect(data).toEqual(suite.tasks);
    expect(await rebuildTasks(structuredClone(data))).toEqual(suite.tasks);
  });

  it('refuses to describe a custom task whose function lives on this thread', () => {
    const task = taskSuite(key(1), { kind: 'custom', fn: (z) => z[0] }, gt, 1).tasks[0];
    expect(canRebuild(task)).toBe(false);
    expect(() => taskData(task)).toThrow(
      /taskData: a custom task without a module reference cannot be described as data/,
    );
    expect(() => taskData(task)).toThrow(RangeError);
  });

  it('refuses an unbalanced module family, and accepts it with balance: false', async () => {
    const constant = { module: fixture, export: 'constant' };
    await expect(
      taskSuiteAsync(key(1), { kind: 'custom', module: constant }, gt, 2),
    ).rejects.toThrow(
      /taskSuiteAsync: task 0 of family "constant" is unbalanced: \|E y\| = 1\.000/,
    );
    const suite = await taskSuiteAsync(
      key(1),
      { kind: 'custom', module: constant, balance: false },
      gt,
      2,
    );
    expect(suite.tasks).toHaveLength(2);
  });

  it('gives clear errors for a missing module, a missing export and a bad factory', async () => {
    const missing = new URL('./fixtures/missing.mjs', import.meta.url).href;
    await expect(loadFamily({ module: missing })).rejects.toThrow(
      /loadFamily: cannot import ref.module ".*missing\.mjs"/,
    );
    await expect(loadFamily({ module: missing })).rejects.toThrow(RangeError);
    await expect(loadFamily({ module: fixture, export: 'nope' })).rejects.toThrow(
      /loadFamily: .*bumps\.mjs has no export "nope" \(it exports 'constant', 'default', 'notAFactory', 'notAFamily'\)/,
    );
    await expect(loadFamily({ module: fixture, export: 'notAFactory' })).rejects.toThrow(
      new TypeError(
        `loadFamily: the export "notAFactory" of ${fixture} must be a factory function (params) => value, got 42`,
      ),
    );
    await expect(loadFamily({ module: fixture, export: 'notAFamily' })).rejects.toThrow(
      /loadFamily: the factory "notAFamily" of .* must return a custom task family \{ kind: 'custom', draw: .*got \{"kind":"custom","name":"no code"\}/,
    );
    await expect(loadFamily({ module: './fixtures/bumps.mjs' })).rejects.toThrow(
      /loadFamily: ref.module must be an absolute file URL or a package specifier/,
    );
    await expect(loadFamily({ module: 3 } as never)).rejects.toThrow(TypeError);
    await expect(
      loadModuleRef(ref, { what: 'a loss', check: (v): v is number => typeof v === 'number' }),
    ).rejects.toThrow(/loadModuleRef: the factory "default" of .* must return a loss, got \{/);
    await expect(
      rebuildTasks([
        { kind: 'custom', r: 3, noise: 0, module: ref, key: [1, 2], index: 0 } as never,
      ]),
    ).rejects.toThrow(/rebuildTasks: key must be a Key/);
  });
});
