import { CalendarDate, CenterSettingsInput, ClosedDate, type CenterSettingsView } from "../../lib/center/policy";
import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import type { StaffRole, StaffSessionInfo } from "../../lib/staff/schemas";
import { addClosedDate, findCenterState, readCenterPolicy, removeClosedDate, updateCenterSettings } from "../../services/db/center";
import { CenterId } from "../../lib/center/ids";
import { announceCenterChange } from "../../services/center";
import { checkStaffSession, limitStaffChange } from "./sessions";
import { clock } from "../../lib/time";

/** Closed dates from a day before today in UTC (today somewhere on earth) on: past holidays are not shown. */
function recentDate(now: number): string {
  return new Date(now - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The center's settings and booking policies in the staff console, always the member's own center
 * (`member.centerId`): every staff member may read them (they explain the schedule), only admins change them. Each change is validated here again
 * (the binding is a trust boundary), announced to the center's Center object (which pushes it to
 * every chat before this answers) and answered with the policy as D1 now holds it.
 */
export class CenterSettingsDesk {
  constructor(private readonly env: Pick<Env, "DB" | "CENTER"> & Partial<Pick<Env, "RATE_LIMITER">> & { AI?: unknown }) {}

  /** The policy as D1 holds it, and whether a model can read for the assistant here (the AI binding, optional per deployment). */
  private async view(center: string, now: number): Promise<CenterSettingsView> {
    return { ...(await readCenterPolicy(this.env.DB, { center, fromDate: recentDate(now) })), modelReaderAvailable: Boolean(this.env.AI) };
  }

  /** A member with one of `roles`; a `change` counts against their limit. */
  private async member(sessionToken: unknown, roles: StaffRole[], change = false): Promise<Result<StaffSessionInfo>> {
    const now = clock.now();
    const session = await checkStaffSession({ db: this.env.DB, sessionToken, now });
    if (!session.ok) return session;
    if (!roles.includes(session.value.member.role)) return fail("forbidden:staff", "Only an admin can change the center's settings.");
    return (change && (await limitStaffChange(this.env, session.value, now))) || session;
  }

  /** The policy as the assistant and the booking INSERT apply it. */
  async read(sessionToken: unknown) {
    const session = await this.member(sessionToken, ["admin", "staff", "tutor"]);
    if (!session.ok) return session;
    return ok(await this.view(session.value.member.centerId, clock.now()));
  }

  /** Name, zone, policies, opening hours and the reader, in one transaction; `updated_by` is the admin. */
  async update(sessionToken: unknown, input: unknown) {
    const session = await this.member(sessionToken, ["admin"], true);
    if (!session.ok) return session;
    const parsed = CenterSettingsInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Those settings are not valid.", zodIssues(parsed.error));
    const now = clock.now();
    const center = session.value.member.centerId;
    await updateCenterSettings(this.env.DB, { center, settings: parsed.data, staffId: session.value.member.id, now });
    await announceCenterChange(this.env, center);
    return ok(await this.view(center, now));
  }

  /** Closes the center on a date (a second add changes the reason). */
  async addClosedDate(sessionToken: unknown, input: unknown) {
    const session = await this.member(sessionToken, ["admin"], true);
    if (!session.ok) return session;
    const parsed = ClosedDate.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Give a date (YYYY-MM-DD) and a short reason.", zodIssues(parsed.error));
    const center = session.value.member.centerId;
    await addClosedDate(this.env.DB, { center, closed: parsed.data });
    await announceCenterChange(this.env, center);
    return ok(await this.view(center, clock.now()));
  }

  /** Opens a closed date again; removing one that is not closed changes nothing. */
  async removeClosedDate(sessionToken: unknown, date: unknown) {
    const session = await this.member(sessionToken, ["admin"], true);
    if (!session.ok) return session;
    const parsed = CalendarDate.safeParse(date);
    if (!parsed.success) return fail("bad_request:params", "Not a date (YYYY-MM-DD).", zodIssues(parsed.error));
    const center = session.value.member.centerId;
    await removeClosedDate(this.env.DB, { center, date: parsed.data });
    await announceCenterChange(this.env, center);
    return ok(await this.view(center, clock.now()));
  }
}

/** What students see of a center's rules (no staff session needed): the same read, from today on; an unknown center is not found. */
export async function publicCenterPolicy(env: Pick<Env, "DB">, center: unknown) {
  const id = CenterId.safeParse(center);
  const state = id.success ? await findCenterState(env.DB, { center: id.data, fromDate: recentDate(clock.now()) }) : null;
  return state ? ok(state.policy) : fail("not_found:center", "There is no such center.");
}
