import type { HeatCell } from '../plot.js';
import type { SummaryPoint } from '../summary.js';

/** One cell of the phase diagram, averaged over seeds. */
export interface PhaseCell {
  readonly d: number;
  readonly T: number;
  readonly n: number;
  /** T n^2 / d^2, the signal-to-noise of the one-step update. */
  readonly x: number;
  readonly energyGain: number;
  readonly angleGain: number;
  readonly energyGainSe: number;
  readonly angleGainSe: number;
}

/** The recovery threshold estimated from the cells: where the gain crosses `level`. */
export interface PhaseThreshold {
  /** The gain whose crossing defines recovery. */
  readonly level: number;
  /** T n^2 / d^2 at the crossing (geometric mean of the two cells around it), null when no cell crosses. */
  readonly x: number | null;
  /** Cells on the wrong side of that threshold (0: one threshold separates them all, for every d). */
  readonly misclassified: number;
  readonly cells: number;
}

/** The phase diagram's cells from a reproduction's summary. */
export function phaseCells(summary: readonly SummaryPoint[]): PhaseCell[] {
  const byCell = new Map<string, { x: number; values: Record<string, SummaryPoint> }>();
  for (const p of summary) {
    if (p.experiment !== 'phase') continue;
    const e = byCell.get(p.method) ?? { x: p.x, values: {} };
    e.values[p.metric] = p;
    byCell.set(p.method, e);
  }
  const cells: PhaseCell[] = [];
  for (const [method, { x, values }] of byCell) {
    const m = /^d=(\d+) T=(\d+) n=(\d+)$/.exec(method);
    if (m === null) continue;
    cells.push({
      d: Number(m[1]),
      T: Number(m[2]),
      n: Number(m[3]),
      x,
      energyGain: values['energy-gain']?.mean ?? Number.NaN,
      angleGain: values['angle-gain']?.mean ?? Number.NaN,
      energyGainSe: values['energy-gain']?.stderr ?? Number.NaN,
      angleGainSe: values['angle-gain']?.stderr ?? Number.NaN,
    });
  }
  return cells.sort((a, b) => a.d - b.d || a.T - b.T || a.n - b.n);
}

/**
 * The threshold of T n^2 / d^2 that best separates cells whose gain is below `level` from those
 * at or above it (fewest cells on the wrong side, pooled over every d): if recovery is governed
 * by T n^2 / d^2, one threshold separates them all.
 */
export function phaseThreshold(
  cells: readonly PhaseCell[],
  gain: (c: PhaseCell) => number,
  level = 0.5,
): PhaseThreshold {
  const pts = cells
    .filter((c) => Number.isFinite(gain(c)))
    .map((c) => ({ x: c.x, up: gain(c) >= level }))
    .sort((a, b) => a.x - b.x);
  if (pts.length === 0) return { level, x: null, misclassified: 0, cells: 0 };
  let best = { errors: Number.POSITIVE_INFINITY, i: 0 };
  // Threshold between pts[i - 1] and pts[i]: points before it should be below the level.
  for (let i = 0; i <= pts.length; i++) {
    let errors = 0;
    for (let k = 0; k < pts.length; k++) if (pts[k].up !== k >= i) errors++;
    if (errors < best.errors) best = { errors, i };
  }
  const { i } = best;
  const x = i === 0 || i === pts.length ? null : Math.sqrt(pts[i - 1].x * pts[i].x);
  return { level, x, misclassified: best.errors, cells: pts.length };
}

/** Heat-map cells of one gain: a panel per d, columns n, rows T, labelled with T n^2 / d^2. */
export function phaseHeatCells(
  cells: readonly PhaseCell[],
  gain: (c: PhaseCell) => number,
): HeatCell[] {
  return cells.map((c) => ({
    panel: `d = ${c.d}`,
    sortKey: c.d,
    col: c.n,
    row: c.T,
    value: gain(c),
    label: formatRatio(c.x),
  }));
}

/** T n^2 / d^2 in a few characters. */
export function formatRatio(x: number): string {
  if (x >= 1000) return `${Math.round(x / 100) / 10}k`;
  if (x >= 10) return String(Math.round(x));
  return x.toPrecision(2);
}
