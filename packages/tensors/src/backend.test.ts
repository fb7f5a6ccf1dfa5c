import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  describeBackend,
  fromArray,
  gemmInto,
  getBackend,
  listBackends,
  matmul,
  setBackend,
  setBackendAsync,
  toArray,
  zeros,
} from './index.js';

afterEach(() => {
  vi.restoreAllMocks();
  setBackend('js');
});

describe('backend registry', () => {
  it('has the js backend active by default and can select it by name', () => {
    expect(listBackends()).toContain('js');
    expect(getBackend()).toBe('js');
    setBackend('js');
    expect(getBackend()).toBe('js');
  });

  it('refuses unknown names, listing the registered ones', () => {
    expect(() => setBackend('wasm-simd')).toThrow(
      `setBackend: unknown backend "wasm-simd"; use 'auto' or one of: js, wasm`,
    );
    expect(getBackend()).toBe('js');
  });

  it('lists and selects wasm where WebAssembly SIMD exists (Node 20), and auto picks it', () => {
    expect(listBackends()).toEqual(['js', 'wasm']);
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    setBackend('js');
    setBackend('auto');
    expect(getBackend()).toBe('wasm');
  });

  it('routes the public operations through the selected backend with the same results', async () => {
    const a = fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = fromArray([
      [1, 0],
      [0, 1],
      [2, 2],
    ]);
    const js = toArray(matmul(a, b));
    expect(await setBackendAsync('wasm')).toBe('wasm');
    expect(toArray(matmul(a, b))).toEqual(js);
    const c = zeros([3, 3]);
    gemmInto(c, b, b, { transB: true });
    expect(toArray(c)).toEqual([
      [1, 0, 2],
      [0, 1, 2],
      [2, 2, 8],
    ]);
  });
});

describe('without WebAssembly SIMD (simulated)', () => {
  it('auto falls back to js with one notice; wasm is not listed and refuses to load', async () => {
    vi.resetModules();
    const T = await import('./index.js');
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(T.listBackends()).toEqual(['js']);
    T.setBackend('auto');
    expect(T.getBackend()).toBe('js');
    T.setBackend('auto');
    expect(await T.setBackendAsync('auto')).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe(
      "@mtrl/tensors: WebAssembly SIMD is not supported here; using the 'js' backend",
    );
    expect(() => T.setBackend('wasm')).toThrow(
      "setBackend: 'wasm' needs WebAssembly SIMD, which this engine lacks",
    );
    expect(T.getBackend()).toBe('js');
  });

  it('auto falls back when the kernels cannot be compiled (as on a browser main thread)', async () => {
    vi.resetModules();
    const T = await import('./index.js');
    // A constructor mock must be a function, not an arrow.
    // biome-ignore lint/complexity/useArrowFunction: vitest mocks constructors with functions
    vi.spyOn(WebAssembly, 'Module').mockImplementation(function () {
      throw new RangeError('WebAssembly.Module(): Argument 0 exceeds 4KB');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    T.setBackend('auto');
    expect(T.getBackend()).toBe('js');
    expect(warn.mock.calls[0][0]).toContain('did not load');
    expect(() => T.setBackend('wasm')).toThrow('exceeds 4KB');
    // The asynchronous path does not need WebAssembly.Module.
    expect(await T.setBackendAsync('auto')).toBe('wasm');
  });
});

describe('describeBackend', () => {
  it('names the backend and its GEMM kernel variant', () => {
    const before = getBackend();
    try {
      setBackend('js');
      expect(describeBackend()).toEqual({ name: 'js', gemmKernel: 'typescript' });
      setBackend('wasm');
      const d = describeBackend();
      expect(d.name).toBe('wasm');
      expect(['simd128', 'relaxed-madd']).toContain(d.gemmKernel);
    } finally {
      setBackend(before);
    }
  });
});
