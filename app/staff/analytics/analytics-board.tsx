"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { AnalyticsSeriesSchema, MAX_RANGE_DAYS, type Counts, type Granularity } from "@/lib/analytics/events";
import { averageFirstReplySeconds } from "@/lib/analytics/series";
import { z } from "@/lib/zod";
import { FeedbackTable } from "./feedback-table";
import { SeriesChart, type ChartLine } from "./series-chart";
import { StaffApiError, staffApi } from "../staff-api";

type Series = z.infer<typeof AnalyticsSeriesSchema>;
type Preset = "week" | "twoDays" | "custom";
interface Range {
  from: string;
  to: string;
  granularity: Granularity;
}

const CHARTS: { id: string; title: string; lines: ChartLine[] }[] = [
  {
    id: "chats",
    title: "Chats and messages",
    lines: [
      { counter: "chat_started", label: "Chats started", color: "#1d4ed8" },
      { counter: "message", label: "Student messages", color: "#0f766e" },
    ],
  },
  {
    id: "bookings",
    title: "Bookings",
    lines: [
      { counter: "booking_made", label: "Made", color: "#15803d" },
      { counter: "booking_cancelled", label: "Cancelled", color: "#b45309" },
      { counter: "booking_late_cancelled", label: "Late cancels", color: "#b91c1c" },
      { counter: "no_show", label: "No-shows", color: "#6d28d9" },
    ],
  },
  {
    id: "handoffs",
    title: "Hand-offs to staff",
    lines: [
      { counter: "handoff", label: "Hand-offs", color: "#be185d" },
      { counter: "staff_first_reply", label: "First staff replies", color: "#0369a1" },
    ],
  },
];

const TOTALS: { label: string; value: (totals: Counts) => string }[] = [
  { label: "Chats started", value: (t) => String(t.chat_started) },
  { label: "Student messages", value: (t) => String(t.message) },
  { label: "Bookings made", value: (t) => String(t.booking_made) },
  { label: "Cancelled", value: (t) => String(t.booking_cancelled) },
  { label: "Late cancels", value: (t) => String(t.booking_late_cancelled) },
  { label: "No-shows", value: (t) => String(t.no_show) },
  { label: "Hand-offs", value: (t) => String(t.handoff) },
  { label: "Average time to first staff reply", value: (t) => formatWait(averageFirstReplySeconds(t)) },
];

function formatWait(seconds: number | null): string {
  if (seconds === null) return "no replies yet";
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function presetRange(preset: Exclude<Preset, "custom">, today: string): Range {
  return preset === "week" ? { from: addDays(today, -6), to: today, granularity: "day" } : { from: addDays(today, -1), to: today, granularity: "hour" };
}

const search = (range: Range) => new URLSearchParams({ from: range.from, to: range.to, granularity: range.granularity }).toString();

/** The browser's date: the first guess at the center's today, corrected by the first answer. */
function browserToday(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

export function AnalyticsBoard() {
  // The range shown and how it was chosen, together: a preset is corrected to the center's calendar.
  const [view, setView] = useState<{ preset: Preset; range: Range }>(() => ({ preset: "week", range: presetRange("week", browserToday()) }));
  const [custom, setCustom] = useState<Range>(view.range);
  const preset = view.preset;
  const [series, setSeries] = useState<Series | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (wanted: Range, fromPreset: Preset) => {
    setLoading(true);
    setError(null);
    try {
      const data = await staffApi(`/api/staff/analytics?${search(wanted)}`).catch((refused: unknown) => {
        // A refused range says why ("At most 7 days by hour."), not just that it was refused.
        if (refused instanceof StaffApiError) throw new Error([refused.message, ...refused.issues.map((issue) => issue.message)].join(" "));
        throw new Error("Could not load the numbers. Please try again.");
      });
      const read = AnalyticsSeriesSchema.parse(data);
      // A preset means the center's days: if the browser's calendar differs, ask again in the center's.
      if (fromPreset !== "custom" && read.today !== wanted.to) {
        setView({ preset: fromPreset, range: presetRange(fromPreset, read.today) });
        return;
      }
      setSeries(read);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(view.range, view.preset);
  }, [view, load]);

  function choose(next: Preset) {
    // Custom keeps what is shown until its form is submitted.
    if (next === "custom") setView((current) => ({ ...current, preset: next }));
    else setView({ preset: next, range: presetRange(next, series?.today ?? browserToday()) });
  }

  const buckets = useMemo(() => series?.buckets ?? [], [series]);

  return (
    <div className="stack">
      <fieldset className="stack analytics-range">
        <legend>Range</legend>
        {(
          [
            ["week", "Last 7 days, by day"],
            ["twoDays", "Yesterday and today, by hour"],
            ["custom", "Custom range"],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input type="radio" name="range" value={value} checked={preset === value} onChange={() => choose(value)} /> {label}
          </label>
        ))}
        {preset === "custom" && (
          <form
            className="analytics-custom"
            onSubmit={(event) => {
              event.preventDefault();
              setView({ preset: "custom", range: { ...custom } });
            }}
          >
            <label>
              From <input type="date" required value={custom.from} onChange={(event) => setCustom({ ...custom, from: event.target.value })} />
            </label>
            <label>
              To <input type="date" required value={custom.to} onChange={(event) => setCustom({ ...custom, to: event.target.value })} />
            </label>
            <label>
              By{" "}
              <select value={custom.granularity} onChange={(event) => setCustom({ ...custom, granularity: event.target.value === "hour" ? "hour" : "day" })}>
                <option value="day">day (up to {MAX_RANGE_DAYS.day} days)</option>
                <option value="hour">hour (up to {MAX_RANGE_DAYS.hour} days)</option>
              </select>
            </label>
            <button type="submit" className="button">
              Show
            </button>
          </form>
        )}
      </fieldset>

      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="subtitle" role="status">
        {loading ? "Loading…" : series ? `${series.from} to ${series.to}, by ${series.granularity}, in ${series.timeZone} time.` : ""}
      </p>

      {series && (
        <>
          <section aria-labelledby="totals-title">
            <h2 id="totals-title">Totals for the range</h2>
            <dl className="analytics-totals" data-testid="analytics-totals">
              {TOTALS.map((total) => (
                <div key={total.label}>
                  <dt>{total.label}</dt>
                  <dd>{total.value(series.totals)}</dd>
                </div>
              ))}
            </dl>
            <p>
              <a className="button secondary" href={`/api/staff/analytics.csv?${search(series)}`} download data-testid="download-csv">
                Download CSV
              </a>
            </p>
          </section>
          {CHARTS.map((chart) => (
            <SeriesChart key={chart.id} {...chart} buckets={buckets} granularity={series.granularity} timeZone={series.timeZone} />
          ))}
          <FeedbackTable totals={series.totals} />
        </>
      )}
    </div>
  );
}
