import { kindCounter, REPLY_KINDS, type Counts, type ReplyKind } from "./events";

/**
 * 👍/👎 per reply kind over a range, as staff read it on /staff/analytics and in the CSV. The
 * numbers are NET changes in the range: a vote set in it adds one, a vote cleared in it takes one
 * away, a vote changed in it moves one from one side to the other. So for a range that holds
 * every vote's whole life they are the votes standing now; for a shorter range a vote cast before
 * it and withdrawn within it shows as -1 (and the share is then not given).
 */

export const REPLY_KIND_LABELS: Record<ReplyKind, string> = {
  assistant: "The assistant's replies",
  bot: "Answers from a bot or staff",
  cancel_notice: "Cancellation notices",
  unanswered: "“Nobody could answer” notices",
  other: "Other messages",
  waitlist_notice: "Waitlist offers",
};

export interface KindFeedback {
  kind: ReplyKind | "all";
  label: string;
  up: number;
  down: number;
  /** up / (up + down), 0..1; null when there is nothing to divide or a side is negative (see above). */
  helpful: number | null;
}

function row(kind: KindFeedback["kind"], label: string, up: number, down: number): KindFeedback {
  return { kind, label, up, down, helpful: up >= 0 && down >= 0 && up + down > 0 ? up / (up + down) : null };
}

/** One row per reply kind, then the sum of them all. */
export function feedbackByKind(counts: Counts): KindFeedback[] {
  const rows = REPLY_KINDS.map((kind) => row(kind, REPLY_KIND_LABELS[kind], counts[kindCounter("up", kind)], counts[kindCounter("down", kind)]));
  const up = rows.reduce((sum, entry) => sum + entry.up, 0);
  const down = rows.reduce((sum, entry) => sum + entry.down, 0);
  return [...rows, row("all", "All replies", up, down)];
}

/** "83%", or "—" when there is no share to give. */
export function helpfulText(helpful: number | null): string {
  return helpful === null ? "—" : `${Math.round(helpful * 100)}%`;
}
