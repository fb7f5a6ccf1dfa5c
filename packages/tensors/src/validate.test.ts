import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConfigErrors,
  checkBoolean,
  checkFinite,
  checkFunction,
  checkInt,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptions,
  checkSize,
  checkString,
  formatValue,
} from './index.js';

describe('argument checks', () => {
  it('checkSize accepts non-negative integers; TypeError for non-numbers, RangeError else', () => {
    expect(checkSize('f', 'n', 0)).toBe(0);
    expect(checkSize('f', 'n', 7)).toBe(7);
    for (const [bad, shown] of [
      [-1, '-1'],
      [2.5, '2.5'],
      [Number.NaN, 'NaN'],
      [Infinity, 'Infinity'],
    ] as const) {
      expect(() => checkSize('f', 'n', bad)).toThrow(
        new RangeError(`f: n must be a non-negative integer, got ${shown}`),
      );
    }
    expect(() => checkSize('f', 'n', '3')).toThrow(
      new TypeError('f: n must be a non-negative integer, got "3"'),
    );
    expect(() => checkSize('f', 'n', undefined)).toThrow(TypeError);
  });

  it('checkFinite refuses NaN and infinities (RangeError) and non-numbers (TypeError)', () => {
    expect(checkFinite('g', 'lr', -0.5)).toBe(-0.5);
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      expect(() => checkFinite('g', 'lr', bad)).toThrow(
        new RangeError(`g: lr must be a finite number, got ${String(bad)}`),
      );
    }
    for (const bad of ['1', null, undefined, {}]) {
      expect(() => checkFinite('g', 'lr', bad)).toThrow(TypeError);
    }
  });

  it('checkNumber applies inclusive and exclusive bounds and names them', () => {
    expect(checkNumber('adam', 'b1', 0.9, { min: 0, max: 1, maxExclusive: true })).toBe(0.9);
    expect(() => checkNumber('adam', 'b1', 1, { min: 0, max: 1, maxExclusive: true })).toThrow(
      new RangeError('adam: b1 must be a finite number in [0, 1), got 1'),
    );
    expect(() => checkNumber('sgd', 'lr', 0, { minExclusive: 0 })).toThrow(
      new RangeError('sgd: lr must be a finite number > 0, got 0'),
    );
    expect(() => checkNumber('sgd', 'lr', -1, { min: 0 })).toThrow(
      'sgd: lr must be a finite number >= 0, got -1',
    );
    expect(() => checkNumber('sgd', 'lr', '0.1', { min: 0 })).toThrow(TypeError);
    expect(checkNumber('clip', 'max', Infinity, { min: 0, finite: false })).toBe(Infinity);
    expect(() => checkNumber('clip', 'max', Number.NaN, { finite: false })).toThrow(RangeError);
  });

  it('checkInt refuses fractions and out-of-range integers', () => {
    expect(checkInt('f', 'k', 3, { min: 1, max: 3 })).toBe(3);
    expect(() => checkInt('f', 'k', 0, { min: 1 })).toThrow(
      new RangeError('f: k must be an integer >= 1, got 0'),
    );
    expect(() => checkInt('f', 'k', 1.5)).toThrow(RangeError);
    expect(() => checkInt('f', 'k', true)).toThrow(TypeError);
  });

  it('type checks throw TypeError with the value shown', () => {
    expect(checkBoolean('f', 'b', false)).toBe(false);
    expect(() => checkBoolean('f', 'b', 1)).toThrow(new TypeError('f: b must be a boolean, got 1'));
    expect(checkString('f', 's', 'x')).toBe('x');
    expect(() => checkString('f', 's', 2)).toThrow(new TypeError('f: s must be a string, got 2'));
    const fn = (): number => 1;
    expect(checkFunction('f', 'fn', fn)).toBe(fn);
    expect(() => checkFunction('f', 'fn', {})).toThrow(
      new TypeError('f: fn must be a function, got {}'),
    );
    expect(checkObject('f', 'o', { a: 1 })).toEqual({ a: 1 });
    for (const bad of [null, [1], 3, 'x']) {
      expect(() => checkObject('f', 'o', bad)).toThrow(TypeError);
    }
    expect(checkOptions('f', undefined)).toEqual({});
    expect(() => checkOptions('f', 3 as unknown as object)).toThrow(
      new TypeError('f: options must be an object, got 3'),
    );
  });

  it('checkOneOf: TypeError for a value of another type, RangeError for an unknown choice', () => {
    const mode = checkOneOf('fitHead', 'mode', 'sgd', ['exact', 'sgd'] as const);
    expect(mode).toBe('sgd');
    expect(() => checkOneOf('fitHead', 'mode', 'adam', ['exact', 'sgd'])).toThrow(
      new RangeError('fitHead: mode must be one of "exact", "sgd", got "adam"'),
    );
    expect(() => checkOneOf('fitHead', 'mode', 3, ['exact', 'sgd'])).toThrow(TypeError);
  });

  it('checkKnownKeys refuses a misspelt option with a RangeError', () => {
    expect(() => checkKnownKeys('f', 'options', { lr: 1 }, ['learningRate'])).toThrow(
      new RangeError('f: options has an unknown field "lr" (known: learningRate)'),
    );
  });

  it('formatValue renders values JSON-like', () => {
    expect(formatValue('a')).toBe('"a"');
    expect(formatValue([1, Number.NaN])).toBe('[1,"NaN"]');
    expect(formatValue(new Float32Array(3))).toBe('Float32Array(3)');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(-0)).toBe('-0');
  });

  it('ConfigErrors collects every bad field into one RangeError', () => {
    const errors = new ConfigErrors();
    errors.throwIfAny('pretrain'); // nothing yet
    const rounds = errors.check('rounds', () => checkInt('pretrain', 'rounds', 0, { min: 1 }));
    expect(rounds).toBeUndefined();
    errors.check('lr', () => checkFinite('pretrain', 'lr', 'fast'));
    errors.add('seed', 'is removed: pass key(seed) as the first argument');
    expect(errors.any).toBe(true);
    let thrown: unknown;
    try {
      errors.throwIfAny('pretrain');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect(thrown).toBeInstanceOf(ConfigError);
    const err = thrown as ConfigError;
    expect(err.issues.map((i) => i.field)).toEqual(['rounds', 'lr', 'seed']);
    expect(err.message).toContain('pretrain: invalid configuration (3 problems)');
    expect(err.message).toContain('seed: is removed: pass key(seed) as the first argument');
    expect(() =>
      errors.check('x', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });
});
