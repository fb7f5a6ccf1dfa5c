import { assertKey } from '@mtrl/tensors';
import {
  checkLinearOptions,
  fitChecked,
  type LinearProbe,
  type LinearProbeOptions,
} from './fitLinearProbe.js';
import type { Probe } from './probe.js';

/**
 * The linear probe as a {@link Probe}: `fit(key, x, y)` is `fitLinearProbe(x, y, opts)` (the
 * key is not used: the fit is deterministic). The default probe of `evaluateDownstream`.
 *
 * @param opts - `{ kind?, l2?, fitIntercept?, tol?, maxIter? }`, as `fitLinearProbe`
 * @returns a probe named `'linear-logistic'` or `'linear-ridge'`
 * @throws {TypeError} when an option has the wrong type
 * @throws {RangeError} when an option is out of range or opts.kind is unknown
 * @example
 * const probe = linearProbe({ l2: 1e-2 });
 * const fitted = probe.fit(key(0), x, y); // a LinearProbe
 * score(fitted, x, y);
 */
export function linearProbe(opts?: LinearProbeOptions): Probe<LinearProbe> {
  const settings = checkLinearOptions('linearProbe', opts);
  return {
    name: `linear-${settings.kind}`,
    fit(key, features, y) {
      assertKey('linearProbe.fit', key);
      return fitChecked('linearProbe.fit', features, y, settings);
    },
  };
}
