import { z } from "../zod";
import { StaffEmail } from "../staff/schemas";
import { CenterId, FIRST_CENTER, hostKey } from "./ids";

/**
 * A new center as `npm run center:create` takes it (scripts/center-create.mjs): its id, its name,
 * the host name it is reached at and its first admin's address. Pure: the script checks the
 * arguments here and runs the SQL built here with `wrangler d1 execute`.
 */

/** A DNS host name, lower case, no port: labels of letters, digits and inner hyphens. */
const HOST_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const NewCenter = z.object({
  id: CenterId.refine((id) => id !== FIRST_CENTER, "the first center exists already"),
  name: z.string().trim().min(1).max(80),
  host: z
    .string()
    .transform((host) => hostKey(host))
    .pipe(z.string().regex(HOST_PATTERN, "a host name with at least one dot, like math.example.edu (no port, no scheme)")),
  adminEmail: StaffEmail,
});
export type NewCenter = z.infer<typeof NewCenter>;

/** The opening hours a new center starts with (the first center's before anyone changed them): every day 08:00–22:00. */
export const DEFAULT_HOURS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"].map((day) => ({ day, open: "08:00", close: "22:00" }));

/** `wrangler d1 execute --command` binds nothing: every value is validated by NewCenter (or is hex or a number) and quoted all the same. */
export function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The query that says whether the id or host is taken (any row: refuse). */
export function centerTakenSql(center: NewCenter): string {
  return `SELECT id, host FROM centers WHERE id = ${sqlText(center.id)} OR host = ${sqlText(center.host)}`;
}

/**
 * The statements that make the center, in one run: the centers row (with its bot token's SHA-256),
 * its settings row — the first center's booking rules and reminder times, the column defaults for the
 * persona and campus sign-in (a new center starts with the neutral assistant, not the first center's),
 * its own name —, the default opening hours, and a one-time admin invite of its own. The centers
 * row's primary key and unique host refuse a taken id or host even if the check above raced.
 */
export function centerCreateSql(input: { center: NewCenter; botTokenHash: string; inviteTokenHash: string; now: number; inviteExpiresAt: number }): string {
  const { center, now } = input;
  const id = sqlText(center.id);
  const hours = DEFAULT_HOURS.map((row) => `(${id}, ${sqlText(row.day)}, ${sqlText(row.open)}, ${sqlText(row.close)})`).join(", ");
  return [
    `INSERT INTO centers (id, name, host, bot_token_hash, created_at) VALUES (${id}, ${sqlText(center.name)}, ${sqlText(center.host)}, ${sqlText(input.botTokenHash)}, ${now});`,
    `INSERT INTO center_settings (center_id, name, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, reminder_hours, updated_at)
  SELECT ${id}, ${sqlText(center.name)}, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, reminder_hours, ${now}
  FROM center_settings WHERE center_id = ${sqlText(FIRST_CENTER)};`,
    `INSERT INTO center_hours (center_id, day, open, close) VALUES ${hours};`,
    `INSERT INTO staff_invites (token_hash, center_id, email, role, tutor_id, created_by, created_at, expires_at) VALUES (${sqlText(input.inviteTokenHash)}, ${id}, ${sqlText(center.adminEmail)}, 'admin', NULL, NULL, ${now}, ${input.inviteExpiresAt});`,
  ].join("\n");
}
