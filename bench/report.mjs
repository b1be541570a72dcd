// Summaries and printed tables for bench/run.mjs and bench/e2e-report.mjs: numbers in, text out.

/** Nearest-rank percentile of an unsorted list (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
/** `value` to `digits` decimals; null and undefined pass through (a missing measurement stays missing). */
export const round = (value, digits = 2) => (value === null || value === undefined ? value : Number(value.toFixed(digits)));

/** One design's samples of one operation -> the numbers results.json keeps. */
export function summarize(samples) {
  const reads = samples.map((s) => s.kvStats.reads);
  const writes = samples.map((s) => s.kvStats.writes);
  const rtt = samples.map((s) => s.rttMs);
  const inWorker = samples.map((s) => s.workerMs);
  return {
    iterations: samples.length,
    reads: round(mean(reads)),
    writes: round(mean(writes)),
    // min == max means the cost is a constant, whatever else is stored.
    readsRange: [Math.min(...reads), Math.max(...reads)],
    writesRange: [Math.min(...writes), Math.max(...writes)],
    p50: round(percentile(rtt, 50)),
    p99: round(percentile(rtt, 99)),
    workerP50: round(percentile(inWorker, 50)),
  };
}

/** baseline / queue; null when the queue's side is 0 (the baseline is infinitely worse, or both are 0). */
export function ratio(baseline, queue) {
  return queue > 0 ? round(baseline / queue) : null;
}

const fmt = (value) => (value === null ? "-" : value >= 100 ? Math.round(value).toLocaleString("en-US") : String(value));
const times = (value, baseline) => (value === null ? (baseline > 0 ? "∞" : "-") : `${value >= 10 ? Math.round(value) : value}×`);

/** The table printed to stdout: queue and baseline ("base") side by side per group, then the two ratios. */
export function table(operations) {
  const groups = ["rows read/op", "rows written/op", "p50 ms (rtt)", "p99 ms (rtt)", "p50 ms (in worker)", "base/queue"];
  const pair = ["queue", "base"];
  const sub = [pair, pair, pair, pair, pair, ["reads", "p50"]];
  const rows = operations.map(({ name, queue: q, baseline: b, ratio: r }) => [
    name,
    [fmt(q.reads), fmt(b.reads)],
    [fmt(q.writes), fmt(b.writes)],
    [fmt(q.p50), fmt(b.p50)],
    [fmt(q.p99), fmt(b.p99)],
    [fmt(q.workerP50), fmt(b.workerP50)],
    [times(r.reads, b.reads), times(r.p50, b.p50)],
  ]);
  const nameWidth = Math.max("operation".length, ...rows.map((row) => row[0].length));
  // Each group is two right-aligned cells, wide enough for its label too.
  const cellWidth = groups.map((label, g) => {
    const cells = [sub[g], ...rows.map((row) => row[g + 1])].flat();
    return Math.max(Math.ceil((label.length - 2) / 2), ...cells.map((c) => c.length));
  });
  const group = (g, [a, b]) => `${a.padStart(cellWidth[g])}  ${b.padStart(cellWidth[g])}`;
  const top = ["".padEnd(nameWidth), ...groups.map((label, g) => label.padStart(2 * cellWidth[g] + 2))].join(" | ");
  const head = ["operation".padEnd(nameWidth), ...sub.map((cells, g) => group(g, cells))].join(" | ");
  const body = rows.map(([name, ...cells]) => [name.padEnd(nameWidth), ...cells.map((c, g) => group(g, c))].join(" | "));
  return [top, head, head.replace(/[^|]/g, "-"), ...body].join("\n");
}

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function grid(header, rows) {
  const text = (cell) => (cell === null || cell === undefined ? "-" : String(cell));
  const widths = header.map((h, i) => Math.max(text(h).length, ...rows.map((row) => text(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? text(cell).padEnd(widths[i]) : text(cell).padStart(widths[i]))).join(" | ");
  const head = line(header);
  return [head, head.replace(/[^|]/g, "-"), ...rows.map(line)].join("\n");
}

/** Dollars: cents below $100, whole dollars above. */
export function money(value) {
  if (value === null || value === undefined) return "-";
  return value >= 100 ? `$${Math.round(value).toLocaleString("en-US")}` : `$${value.toFixed(2)}`;
}

/** A count for a table cell: 1,234 / 12.3 / 1.59B / 55M. */
export function amount(value) {
  if (value === null || value === undefined) return "-";
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${Number((value / 1e9).toPrecision(3))}B`;
  if (abs >= 1e7) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (Number.isInteger(value) || abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 1) return String(Number(value.toFixed(1)));
  return String(Number(value.toPrecision(2)));
}
