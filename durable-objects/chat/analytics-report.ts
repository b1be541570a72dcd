import { centerOfOwner } from "../../lib/center/ids";
import { batchHours } from "../../lib/analytics/batch";
import { hourBucket, HOUR_MS } from "../../lib/analytics/series";
import { clock } from "../../lib/time";
import { reportChatBatch } from "../../services/analytics";
import type { CountingSql } from "../sql";
import * as store from "./store";

/**
 * A chat's analytics, reported in batches. What a student's message started is
 * stored in its own row (the exchange's transaction, no row more); the chat's
 * alarm, set when the first unreported message of an hour arrives, sends every
 * unreported count in ONE `Analytics.recordBatch` and, once Analytics answered,
 * moves the session row's cursor past them. A burst of messages is one call; a
 * batch sent again after a lost answer is applied once (lib/analytics/batch.ts).
 */

/**
 * When the chat reports: just after the UTC hour of its first unreported message ends, spread over
 * REPORT_SPREAD_MS so every chat does not call Analytics at once. One report then covers the chat's
 * whole hour, which is one Analytics hour row (counts are kept per UTC hour), and an hour's counts
 * reach the charts within REPORT_SPREAD_MS of its end.
 */
export const REPORT_SPREAD_MS = 10 * 60_000;
export function reportAt(now: number, spread: number = Math.random()): number {
  return hourBucket(now) + HOUR_MS + Math.floor(spread * REPORT_SPREAD_MS);
}
/** When a report failed (Analytics unreachable or refusing), the next try. */
export const REPORT_RETRY_MS = 60_000;

type ReportEnv = Pick<Env, "ANALYTICS" | "ANALYTICS_REPORT_AFTER_MS">;

export class ChatAnalyticsReport {
  /** The alarm as this object last knew it (undefined: not read since it woke). */
  private alarmAt: number | null | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly db: CountingSql,
    private readonly env: ReportEnv,
  ) {}

  /** A message with counts is about to be stored: makes sure a report is due (one alarm write per window). */
  async due(): Promise<void> {
    this.alarmAt ??= await this.storage.getAlarm();
    if (this.alarmAt !== null) return;
    await this.schedule(this.nextReport());
  }

  /**
   * Sends the unreported counts (if any) as the chat's next batch and records the acknowledgement.
   * Answers false when Analytics could not be reached or refused (the counts stay, nothing is lost).
   */
  async flush(chatId: string): Promise<boolean> {
    const row = store.readSession(this.db);
    if (!row) return true;
    const { hours, through, kept } = store.unreportedCounts(this.db);
    const batch = batchHours(hours);
    const seq = row.reported_seq + 1;
    if (batch.length === 0) {
      // Nothing to count (a clear kept an empty carry, or counts that netted to zero): just move past it.
      if (through !== row.reported_through || kept) store.markReported(this.db, row.reported_seq, through);
      return true;
    }
    // The chat's center is its owner's (lib/center/ids.ts): its counts go to that center's Analytics.
    const receipt = await reportChatBatch(this.env, centerOfOwner(row.owner_id), { chatId, seq, through, hours: batch });
    if (!receipt) return false;
    // On a repeat, `through` is what the first attempt covered: anything later stays for the next batch.
    store.markReported(this.db, seq, receipt.through);
    return true;
  }

  /** The alarm: report, then again later if it failed or more arrived meanwhile. */
  async alarm(chatId: string): Promise<void> {
    this.alarmAt = null;
    const reported = await this.flush(chatId);
    if (!reported) return this.schedule(clock.now() + REPORT_RETRY_MS);
    const row = store.readSession(this.db);
    if (row && store.unreportedCounts(this.db).through > row.reported_through) await this.schedule(this.nextReport());
  }

  /** The alarm is gone (a hard delete dropped it). */
  forget(): void {
    this.alarmAt = null;
  }

  /** Just after this hour ends; a test stack's ANALYTICS_REPORT_AFTER_MS ("0": at once) reports sooner. */
  private nextReport(): number {
    const after = this.env.ANALYTICS_REPORT_AFTER_MS ? Number(this.env.ANALYTICS_REPORT_AFTER_MS) : NaN;
    return Number.isSafeInteger(after) && after >= 0 ? clock.now() + after : reportAt(clock.now());
  }

  private async schedule(at: number): Promise<void> {
    await this.storage.setAlarm(clock.toPlatform(at));
    this.alarmAt = at;
  }
}
