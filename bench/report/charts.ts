import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to SVG in Node: no browser, no canvas, no network (the data is inline). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 560,
  height: 320,
  config: { font: 'sans-serif', legend: { labelLimit: 400 } },
} as const;

/** Lines of medians per store against the number of stored tokens, each point with its quartile range; both axes log. */
export function tokenCostChart(values: readonly object[]): TopLevelSpec {
  const x = { field: 'tokens', type: 'quantitative', title: 'stored tokens', scale: { type: 'log' } } as const;
  const y = { scale: { type: 'log' }, title: 'µs per lookup (median, bars: quartiles)' } as const;
  const color = { field: 'store', type: 'nominal', title: 'store' } as const;
  return {
    ...base,
    title: 'Getting a token for an API call vs stored tokens',
    data: { values: values as Array<Record<string, unknown>> },
    transform: [
      { calculate: 'datum.medianNs / 1000', as: 'median' },
      { calculate: 'datum.lowNs / 1000', as: 'low' },
      { calculate: 'datum.highNs / 1000', as: 'high' },
    ],
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'median', type: 'quantitative', ...y },
          color,
          strokeDash: { field: 'by', type: 'nominal', title: 'by' },
        },
      },
      { mark: { type: 'rule' }, encoding: { x, y: { field: 'low', type: 'quantitative', ...y }, y2: { field: 'high' }, color } },
    ],
  } as TopLevelSpec;
}

/** Refresh requests sent when N callers ask for one expired token at once, ours vs each caller for itself. */
export function refreshChart(values: readonly object[]): TopLevelSpec {
  return {
    ...base,
    title: 'Refresh requests at expiry vs concurrent callers',
    data: { values: values as Array<Record<string, unknown>> },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'callers', type: 'quantitative', title: 'concurrent callers in all', scale: { type: 'log' } },
      y: { field: 'requests', type: 'quantitative', title: 'refresh requests sent', scale: { type: 'symlog' } },
      color: { field: 'flow', type: 'nominal', title: 'flow' },
      strokeDash: { field: 'processes', type: 'nominal', title: 'callers spread over' },
      shape: { field: 'processes', type: 'nominal', title: 'callers spread over' },
    },
  } as TopLevelSpec;
}

/** findToken with encryption over the same store without it, per store and lookup, with the quartile range. */
export function encryptionChart(values: readonly object[]): TopLevelSpec {
  const y = { field: 'store', type: 'nominal', title: null } as const;
  return {
    ...base,
    height: { step: 14 },
    title: 'Encryption overhead: findToken encrypted ÷ plain',
    data: { values: values as Array<Record<string, unknown>> },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          yOffset: { field: 'lookup' },
          x: { field: 'ratio', type: 'quantitative', title: 'times the plain store (median)' },
          color: { field: 'lookup', type: 'nominal', title: 'lookup' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y, yOffset: { field: 'lookup' }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
    ],
  } as TopLevelSpec;
}
