import { fail, zodIssues, type Result } from "../../lib/errors";
import { AnalyticsQuery, type AnalyticsSeries } from "../../lib/analytics/events";
import type { StaffSessionInfo } from "../../lib/staff/schemas";
import { centerTimeZone } from "../../services/db/center-time-zone";
import { checkStaffSession } from "./sessions";
import { clock } from "../../lib/time";
import { analyticsObject } from "../../services/objects";

/**
 * The console's analytics: counts per hour or per local day from the
 * Analytics object (stored hours merged with what it has not flushed yet).
 * One D1 read for the session, one for the center's time zone, one object call.
 */
export class StaffAnalytics {
  constructor(private readonly env: Pick<Env, "DB" | "ANALYTICS">) {}

  /** Staff and admins read the numbers; tutors do not. */
  private async staff(sessionToken: unknown): Promise<Result<StaffSessionInfo>> {
    const session = await checkStaffSession({ db: this.env.DB, sessionToken, now: clock.now() });
    if (!session.ok) return session;
    if (session.value.member.role === "tutor") return fail("forbidden:staff", "Analytics are for staff and admins.");
    return session;
  }

  /** The range's buckets and totals, by hour or by day in the center's time zone. */
  async series(sessionToken: unknown, query: unknown): Promise<Result<AnalyticsSeries>> {
    const session = await this.staff(sessionToken);
    if (!session.ok) return session;
    const parsed = AnalyticsQuery.safeParse(query);
    if (!parsed.success) return fail("bad_request:query", "Choose a valid range: from ≤ to, at most 7 days by hour or 92 by day.", zodIssues(parsed.error));
    const timeZone = await centerTimeZone(this.env.DB, { center: session.value.member.centerId });
    return analyticsObject(this.env).series(parsed.data, timeZone);
  }
}
