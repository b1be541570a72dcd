import type { Counts } from "@/lib/analytics/events";
import { feedbackByKind, helpfulText } from "@/lib/analytics/feedback";

/** Which kinds of answers students rate 👍 or 👎, over the chosen range (net changes: see lib/analytics/feedback.ts). */
export function FeedbackTable({ totals }: { totals: Counts }) {
  const rows = feedbackByKind(totals);
  const all = rows.at(-1)!;
  return (
    <section aria-labelledby="feedback-kinds-title" className="analytics-chart">
      <h2 id="feedback-kinds-title">Feedback per reply kind</h2>
      <p className="hint" id="feedback-kinds-hint">
        Net votes in the range: a vote set adds one, a vote taken back removes one, a changed vote moves from 👍 to 👎 or back. A vote cast before the range and
        withdrawn in it can make a count negative; the share is then not given.
      </p>
      <div className="table-scroll">
        <table data-testid="feedback-by-kind" aria-describedby="feedback-kinds-hint">
          <thead>
            <tr>
              <th scope="col">Reply kind</th>
              <th scope="col">👍 helped</th>
              <th scope="col">👎 did not help</th>
              <th scope="col">Share helpful</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, -1).map((entry) => (
              <tr key={entry.kind} data-kind={entry.kind}>
                <th scope="row">{entry.label}</th>
                <td>{entry.up}</td>
                <td>{entry.down}</td>
                <td>{helpfulText(entry.helpful)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-kind="all">
              <th scope="row">{all.label}</th>
              <td>{all.up}</td>
              <td>{all.down}</td>
              <td>{helpfulText(all.helpful)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
