/** The live plot's geometry: energy and coverage per round as SVG polylines. Pure. */

/** One measured round. */
export interface RoundPoint {
  readonly round: number;
  readonly energy: number;
  readonly coverage: number;
}

/** Plot layout in SVG user units. */
export const PLOT = { width: 520, height: 270, left: 64, right: 16, top: 14, bottom: 44 } as const;

/** Maps a round (0..rounds) to x and a value in [0, 1] to y. */
export function scales(rounds: number): { x: (round: number) => number; y: (v: number) => number } {
  const w = PLOT.width - PLOT.left - PLOT.right;
  const h = PLOT.height - PLOT.top - PLOT.bottom;
  const span = Math.max(1, rounds);
  return {
    x: (round) => PLOT.left + (w * round) / span,
    y: (v) => PLOT.top + h * (1 - Math.min(1, Math.max(0, v))),
  };
}

/** The `points` attribute of an SVG polyline through one series. */
export function polyline(
  points: readonly RoundPoint[],
  rounds: number,
  pick: (p: RoundPoint) => number,
): string {
  const { x, y } = scales(rounds);
  return points.map((p) => `${x(p.round).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
}

/** Round numbers to label on the x axis: at most about 10 ticks. */
export function roundTicks(rounds: number): number[] {
  const step = Math.max(1, Math.ceil(rounds / 10));
  const ticks: number[] = [];
  for (let k = 0; k <= rounds; k += step) ticks.push(k);
  if (ticks[ticks.length - 1] !== rounds) ticks.push(rounds);
  return ticks;
}
