/**
 * One ECharts chart (only the parts used are imported, through `echarts/core`) with its figures as a
 * table: visually hidden for screen readers and copying, or shown in place of the chart by a toggle.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type CSSProperties, type ReactNode, useEffect, useId, useRef } from 'react';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** Hidden from sight, still read by screen readers and selectable for copying. */
export const VISUALLY_HIDDEN: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

export interface FigureTableProps {
  caption: string;
  columns: readonly string[];
  rows: readonly (readonly (string | number | ReactNode)[])[];
  hidden?: boolean;
  style?: CSSProperties;
  testId?: string;
}

/** A plain table of a chart's figures (first column: the row's label, as a row header). */
export function FigureTable({ caption, columns, rows, hidden, style, testId }: FigureTableProps) {
  return (
    <table data-testid={testId} style={hidden ? VISUALLY_HIDDEN : { borderCollapse: 'collapse', ...style }}>
      <caption style={hidden ? undefined : { textAlign: 'left', fontWeight: 600 }}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col" style={{ textAlign: 'left', padding: '2px 8px' }}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional figures
          <tr key={i}>
            {r.map((cell, j) =>
              j === 0 ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <th key={j} scope="row" style={{ textAlign: 'left', fontWeight: 400, padding: '2px 8px' }}>
                  {cell}
                </th>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <td key={j} style={{ textAlign: 'right', padding: '2px 8px' }}>
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Chart(props: {
  option: ChartOption;
  /** What the chart shows, read out in place of the picture. */
  label: string;
  table: Omit<FigureTableProps, 'caption' | 'hidden'>;
  height: number | string;
  /** Show the table instead of the chart (the figures stay in the page either way). */
  showTable?: boolean;
  testId?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const tableId = useId();

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true });
  }, [props.option]);

  return (
    <div data-testid={props.testId} style={{ position: 'relative', width: '100%', height: props.height }}>
      <div
        ref={el}
        role="img"
        aria-label={props.label}
        aria-describedby={tableId}
        style={{ width: '100%', height: props.height, display: props.showTable ? 'none' : 'block' }}
      />
      <div id={tableId} style={props.showTable ? { maxHeight: props.height, overflow: 'auto' } : undefined}>
        <FigureTable {...props.table} caption={props.label} hidden={!props.showTable} />
      </div>
    </div>
  );
}
