import { describe, expect, it } from 'vitest';
import { getBackend, listBackends, setBackend } from './index.js';

describe('backend registry', () => {
  it('has the js backend active by default and can select it by name', () => {
    expect(listBackends()).toContain('js');
    expect(getBackend()).toBe('js');
    setBackend('js');
    expect(getBackend()).toBe('js');
  });

  it('refuses unknown names, listing the registered ones', () => {
    expect(() => setBackend('wasm-simd')).toThrow(
      'setBackend: unknown backend "wasm-simd"; registered: js',
    );
    expect(getBackend()).toBe('js');
  });
});
