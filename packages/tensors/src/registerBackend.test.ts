import { afterEach, describe, expect, it } from 'vitest';
import {
  type BackendKernels,
  backendKernels,
  describeBackend,
  fromArray,
  gemmInto,
  getBackend,
  key,
  listBackends,
  loadBackend,
  maskedGemmInto,
  matmul,
  normal,
  registerBackend,
  setBackend,
  setBackendAsync,
  split,
  toArray,
  unregisterBackend,
  withBackend,
  zeros,
} from './index.js';

// A tiny user-written backend: the js kernels, counting each call.
function countingBackend(): {
  kernels: BackendKernels;
  calls: { gemm: number; masked: number; normal: number };
} {
  const js = backendKernels('js');
  const calls = { gemm: 0, masked: 0, normal: 0 };
  const kernels: BackendKernels = {
    gemm: (...args) => {
      calls.gemm++;
      js.gemm(...args);
    },
    fillNormal: (...args) => {
      calls.normal++;
      js.fillNormal(...args);
    },
    maskedGemm: (...args) => {
      calls.masked++;
      js.maskedGemm(...args);
    },
  };
  return { kernels, calls };
}

const a = fromArray([
  [1, 2],
  [3, 4],
]);

afterEach(() => {
  for (const name of ['counting', 'lazy', 'later']) unregisterBackend(name);
  setBackend('js');
});

describe('registerBackend', () => {
  it('adds a backend that withBackend scopes to a block, and only to it', () => {
    const { kernels, calls } = countingBackend();
    registerBackend('counting', kernels);
    expect(listBackends()).toContain('counting');
    matmul(a, a);
    expect(calls.gemm).toBe(0);
    const inside = withBackend('counting', () => {
      expect(getBackend()).toBe('counting');
      expect(describeBackend()).toEqual({ name: 'counting', gemmKernel: 'custom' });
      normal(key(1), [3]);
      return matmul(a, a);
    });
    expect(toArray(inside)).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(calls).toEqual({ gemm: 1, masked: 0, normal: 1 });
    expect(getBackend()).toBe('js');
    matmul(a, a);
    expect(calls.gemm).toBe(1);
  });

  it('withBackend restores the previous backend when fn throws, and nests', () => {
    const { kernels, calls } = countingBackend();
    registerBackend('counting', kernels);
    setBackend('wasm');
    expect(() =>
      withBackend('counting', () => {
        matmul(a, a);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(getBackend()).toBe('wasm');
    withBackend('counting', () => {
      withBackend('js', () => matmul(a, a));
      expect(getBackend()).toBe('counting');
    });
    expect(calls.gemm).toBe(1);
    expect(getBackend()).toBe('wasm');
  });

  it('the backend option routes one call to a backend', () => {
    const { kernels, calls } = countingBackend();
    registerBackend('counting', kernels);
    const c = zeros([2, 2]);
    gemmInto(c, a, a, { backend: 'counting' });
    const [kz, kx] = split(key(2));
    const z = normal(kz, [4, 2]);
    const x = normal(kx, [4, 3]);
    const out = zeros([2, 3]);
    maskedGemmInto(out, z, fromArray([1, 2, 3, 4]), fromArray([1, -1]), x, {
      backend: 'counting',
    });
    expect(calls).toEqual({ gemm: 0 + 1, masked: 1, normal: 0 });
    expect(getBackend()).toBe('js');
    expect(() => gemmInto(c, a, a, { backend: 'nope' })).toThrow(
      'gemm: unknown backend "nope"; use one of: js, wasm, counting',
    );
  });

  it('setBackend selects a registered backend; unregistering it falls back to js', () => {
    const { kernels, calls } = countingBackend();
    registerBackend('counting', kernels);
    setBackend('counting');
    matmul(a, a);
    expect(calls.gemm).toBe(1);
    expect(unregisterBackend('counting')).toBe(true);
    expect(getBackend()).toBe('js');
    expect(listBackends()).not.toContain('counting');
    expect(unregisterBackend('counting')).toBe(false);
  });

  it('takes a loader, called once on first use; an async one needs loadBackend first', async () => {
    let made = 0;
    registerBackend('lazy', () => {
      made++;
      return countingBackend().kernels;
    });
    expect(made).toBe(0);
    withBackend('lazy', () => matmul(a, a));
    withBackend('lazy', () => matmul(a, a));
    expect(made).toBe(1);
    registerBackend('later', async () => countingBackend().kernels);
    expect(() => setBackend('later')).toThrow('loads asynchronously');
    expect(await setBackendAsync('later')).toBe('later');
    setBackend('js');
    await loadBackend('later');
    expect(withBackend('later', () => getBackend())).toBe('later');
  });

  it('calls an async loader once, and again only after it failed', async () => {
    let calls = 0;
    let fail = true;
    registerBackend('later', async () => {
      calls++;
      if (fail) throw new Error('not yet');
      return countingBackend().kernels;
    });
    expect(() => withBackend('later', () => 1)).toThrow('loads asynchronously');
    await expect(loadBackend('later')).rejects.toThrow('not yet');
    expect(calls).toBe(1);
    fail = false;
    expect(() => setBackend('later')).toThrow('loads asynchronously');
    await loadBackend('later');
    expect(calls).toBe(2);
    expect(withBackend('later', () => getBackend())).toBe('later');
    registerBackend('lazy', async () => ({ gemm: 1 }) as unknown as BackendKernels);
    await expect(loadBackend('lazy')).rejects.toThrow(
      new TypeError('registerBackend: kernels.gemm must be a function, got 1'),
    );
  });

  it('refuses bad names and kernels with clear errors', () => {
    const { kernels } = countingBackend();
    expect(() => registerBackend(3 as unknown as string, kernels)).toThrow(TypeError);
    expect(() => registerBackend('', kernels)).toThrow(RangeError);
    expect(() => registerBackend('auto', kernels)).toThrow(RangeError);
    expect(() => registerBackend('js', kernels)).toThrow(
      'registerBackend: a backend named "js" is already registered (built in)',
    );
    expect(() => registerBackend('counting', null as unknown as BackendKernels)).toThrow(
      new TypeError('registerBackend: kernels must be an object, got null'),
    );
    expect(() =>
      registerBackend('counting', { ...kernels, maskedGemm: 1 } as unknown as BackendKernels),
    ).toThrow(new TypeError('registerBackend: kernels.maskedGemm must be a function, got 1'));
    registerBackend('counting', kernels);
    expect(() => registerBackend('counting', kernels)).toThrow('pass { replace: true }');
    registerBackend('counting', kernels, { replace: true });
    expect(() => unregisterBackend('wasm')).toThrow(RangeError);
    expect(() => withBackend('nope', () => 1)).toThrow(
      'withBackend: unknown backend "nope"; use one of: js, wasm, counting',
    );
    expect(() => withBackend('js', 1 as unknown as () => void)).toThrow(TypeError);
    expect(() => setBackend(undefined as unknown as string)).toThrow(TypeError);
  });
});
