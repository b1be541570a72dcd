"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Counter, Granularity, SeriesBucket } from "@/lib/analytics/events";

export interface ChartLine {
  counter: Counter;
  label: string;
  color: string;
}

/**
 * One uPlot chart (canvas, drawn in the browser; no script or style the CSP
 * forbids) and, after it, the same numbers as a table: a canvas says nothing
 * to a screen reader, the table says everything.
 */
export function SeriesChart(props: { id: string; title: string; lines: ChartLine[]; buckets: SeriesBucket[]; granularity: Granularity; timeZone: string }) {
  const { id, title, lines, buckets, granularity, timeZone } = props;
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const data: uPlot.AlignedData = [buckets.map((bucket) => bucket.start / 1000), ...lines.map((line) => buckets.map((bucket) => bucket.counts[line.counter]))];
    const options: uPlot.Options = {
      width: Math.max(280, Math.min(element.clientWidth || 720, 960)),
      height: 220,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { values: (_u, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : "")) }],
      series: [
        { label: granularity === "day" ? "Day" : "Hour", value: granularity === "day" ? "{YYYY}-{MM}-{DD}" : "{YYYY}-{MM}-{DD} {HH}:00" },
        ...lines.map((line) => ({ label: line.label, stroke: line.color, width: 2, points: { show: buckets.length <= 48 } })),
      ],
      legend: { live: false },
    };
    const chart = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, Math.min(element.clientWidth, 960)), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [buckets, lines, granularity, timeZone]);

  return (
    <section aria-labelledby={`${id}-title`} className="stack analytics-chart">
      <h2 id={`${id}-title`}>{title}</h2>
      {/* The canvas is hidden from assistive technology: the table below carries the numbers. */}
      <div ref={box} aria-hidden="true" data-testid={`${id}-chart`} />
      <details>
        <summary>{title}: as a table</summary>
        <div className="table-scroll">
          <table data-testid={`${id}-table`}>
            <caption className="visually-hidden">
              {title}, by {granularity}, in {timeZone} time
            </caption>
            <thead>
              <tr>
                <th scope="col">{granularity === "day" ? "Day" : "Hour"}</th>
                {lines.map((line) => (
                  <th key={line.counter} scope="col">
                    {line.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {buckets.map((bucket) => (
                <tr key={bucket.start}>
                  <th scope="row">{granularity === "day" ? bucket.label : bucket.label.replace("T", " ").slice(0, 16)}</th>
                  {lines.map((line) => (
                    <td key={line.counter}>{bucket.counts[line.counter]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
