/**
 * Typed CloudWatch dashboard widgets and their layout. Dashboards are written as objects and
 * rendered to the dashboard-body JSON, so a widget is checked by the compiler instead of being a
 * hand-edited string.
 */

import type { Metric } from "./metric";

/** One metric of a graph. */
export interface MetricSpec extends Metric {
  /** Statistic for this metric (overrides the widget's). */
  readonly stat?: string;
  /** Legend label. */
  readonly label?: string;
}

export interface MetricWidgetOptions {
  readonly title: string;
  readonly metrics: readonly MetricSpec[];
  /** @default "Average" */
  readonly stat?: string;
  /** Seconds per datapoint. @default 300 */
  readonly period?: number;
  /** @default "timeSeries" */
  readonly view?: "timeSeries" | "singleValue";
  /** @default false */
  readonly stacked?: boolean;
  /** Label of the left Y axis (a unit). */
  readonly unit?: string;
}

/** A widget before layout: its body and its size in grid cells (24 columns). */
export interface UnplacedWidget {
  readonly type: "metric" | "text";
  readonly width: number;
  readonly height: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A widget as the dashboard body holds it. */
export interface DashboardWidget extends UnplacedWidget {
  readonly x: number;
  readonly y: number;
}

/** A titled row of widgets. */
export interface DashboardRow {
  readonly title: string;
  readonly widgets: readonly UnplacedWidget[];
}

const GRID_COLUMNS = 24;

/** A graph of one or more metrics, 8 columns by 6 rows (three per dashboard row). */
export function metricWidget(region: string, options: MetricWidgetOptions): UnplacedWidget {
  return {
    type: "metric",
    width: 8,
    height: 6,
    properties: {
      title: options.title,
      region,
      view: options.view ?? "timeSeries",
      stacked: options.stacked ?? false,
      stat: options.stat ?? "Average",
      period: options.period ?? 300,
      metrics: options.metrics.map(metricRow),
      ...(options.unit ? { yAxis: { left: { label: options.unit, showUnits: false } } } : {}),
    },
  };
}

/** A full-width markdown heading. */
export function textWidget(markdown: string, height = 1): UnplacedWidget {
  return { type: "text", width: GRID_COLUMNS, height, properties: { markdown } };
}

/** `[namespace, name, dim, value, ..., {stat, label}]`: the array form CloudWatch expects. */
function metricRow(m: MetricSpec): unknown[] {
  const dims = Object.entries(m.dimensions).flat();
  const options = { ...(m.stat ? { stat: m.stat } : {}), ...(m.label ? { label: m.label } : {}) };
  return [m.namespace, m.metricName, ...dims, ...(Object.keys(options).length > 0 ? [options] : [])];
}

/**
 * Places rows top to bottom: each row starts with its title, then its widgets left to right,
 * wrapping at 24 columns. Empty rows are left out.
 */
export function layoutRows(rows: readonly DashboardRow[]): DashboardWidget[] {
  const placed: DashboardWidget[] = [];
  let y = 0;
  for (const row of rows) {
    if (row.widgets.length === 0) continue;
    placed.push({ ...textWidget(`## ${row.title}`), x: 0, y });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const w of row.widgets) {
      if (x + w.width > GRID_COLUMNS) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      placed.push({ ...w, x, y });
      x += w.width;
      rowHeight = Math.max(rowHeight, w.height);
    }
    y += rowHeight;
  }
  return placed;
}

/** The dashboard body JSON. */
export function renderDashboard(widgets: readonly DashboardWidget[]): string {
  return JSON.stringify({ widgets });
}
