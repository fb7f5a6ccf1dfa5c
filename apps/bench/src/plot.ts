import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a line chart with an error bar. */
export interface SeriesPoint {
  readonly x: number;
  readonly y: number;
  /** Standard error of y; 0 for a single seed. */
  readonly stderr: number;
  readonly series: string;
}

/** Axis and title settings of {@link lineChartSvg}. */
export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  yDomain?: [number, number];
  /** Legend title; default 'method'. */
  seriesTitle?: string;
  /** A horizontal reference line, e.g. chance level or r/d. */
  rule?: { y: number; label: string };
  /** Tick marks at these x values (the tested values) instead of the scale's round numbers. */
  xTicks?: readonly number[];
  /** A line under the title: the setting of the figure (d, r, m, n, T, seeds). */
  caption?: string;
}

/**
 * A line chart with one coloured line per series, error bars of +- one standard error and a
 * legend, rendered to SVG by Vega-Lite and Vega's headless renderer.
 */
export async function lineChartSvg(
  points: readonly SeriesPoint[],
  opts: LineChartOptions,
): Promise<string> {
  const values = points.map((p) => ({ ...p, lo: p.y - p.stderr, hi: p.y + p.stderr }));
  // A log axis cannot show x = 0 (the network at initialisation): symlog keeps it, linear near 0.
  const hasZero = points.some((p) => p.x === 0);
  const x = {
    field: 'x',
    type: 'quantitative',
    title: opts.xTitle,
    scale: opts.logX
      ? hasZero
        ? { type: 'symlog', constant: 1 }
        : { type: 'log', base: 2 }
      : { zero: false },
    ...(opts.xTicks ? { axis: { values: [...opts.xTicks], format: 'd' } } : {}),
  } as const;
  const yScale = opts.yDomain ? { domain: opts.yDomain } : { zero: false };
  const color = { field: 'series', type: 'nominal', title: opts.seriesTitle ?? 'method' } as const;
  const layers: unknown[] = [
    {
      mark: { type: 'line', point: true },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', title: opts.yTitle, scale: yScale },
        color,
      },
    },
    {
      mark: { type: 'errorbar', ticks: true },
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative', title: opts.yTitle },
        y2: { field: 'hi' },
        color,
      },
    },
  ];
  if (opts.rule) {
    layers.push({
      data: { values: [{ y: opts.rule.y, label: opts.rule.label }] },
      layer: [
        {
          mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
          encoding: { y: { field: 'y', type: 'quantitative' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
          encoding: {
            y: { field: 'y', type: 'quantitative' },
            text: { field: 'label' },
            x: { value: 0 },
          },
        },
      ],
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.caption
      ? { text: opts.title, subtitle: opts.caption, subtitleFontSize: 10 }
      : opts.title,
    width: 440,
    height: 280,
    data: { values },
    layer: layers,
  } as unknown as TopLevelSpec;
  return renderSvg(spec);
}

/** One cell of a heat map: its panel, column and row, its colour value and its label. */
export interface HeatCell {
  readonly panel: string;
  /** Order of the panel (default: by name). */
  readonly sortKey?: number;
  readonly col: number;
  readonly row: number;
  readonly value: number;
  readonly label: string;
}

/** Titles of {@link heatmapSvg}. */
export interface HeatmapOptions {
  title: string;
  caption?: string;
  colTitle: string;
  rowTitle: string;
  valueTitle: string;
  panelTitle: string;
  /** Colour domain; default [0, 1]. */
  domain?: [number, number];
}

/**
 * Heat maps side by side, one panel per `panel` value: columns and rows are the tested values
 * (ordinal), the colour is `value` and each cell shows its `label`.
 */
export async function heatmapSvg(
  cells: readonly HeatCell[],
  opts: HeatmapOptions,
): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.caption
      ? { text: opts.title, subtitle: opts.caption, subtitleFontSize: 10 }
      : opts.title,
    data: { values: cells.map((c) => ({ ...c })) },
    facet: {
      column: {
        field: 'panel',
        type: 'nominal',
        title: opts.panelTitle,
        sort: { field: 'sortKey' },
      },
    },
    spec: {
      width: 180,
      height: 160,
      encoding: {
        x: { field: 'col', type: 'ordinal', title: opts.colTitle },
        y: { field: 'row', type: 'ordinal', title: opts.rowTitle, sort: 'descending' },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'value',
              type: 'quantitative',
              title: opts.valueTitle,
              scale: { domain: opts.domain ?? [0, 1], scheme: 'viridis' },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 9 },
          encoding: {
            text: { field: 'label' },
            color: { condition: { test: 'datum.value > 0.5', value: 'black' }, value: 'white' },
          },
        },
      ],
    },
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
  return renderSvg(spec);
}

/**
 * Renders a Vega-Lite spec to SVG with Vega's expression interpreter instead of its expression
 * compiler, which builds functions with `new Function`: figures are drawn under
 * `--disallow-code-generation-from-strings` and strict Content-Security-Policies too.
 */
async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const runtime = vega.parse(compile(spec).spec, undefined, { ast: true });
  const view = new vega.View(runtime, { renderer: 'none', expr: expressionInterpreter });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
