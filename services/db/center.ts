import { AssistantPersona, DEFAULT_PERSONA } from "../../lib/center/persona";
import { CenterPolicy, type CenterSettingsInput, type ClosedDate } from "../../lib/center/policy";
import { parseReminderHours } from "../../lib/mail/reminders";

/**
 * D1 queries about a center's settings and booking policies (docs/bookings.md, "The
 * center's rules"), each for the center named: its center_settings row, the weekday rows of center_hours and the dates in
 * center_closed_dates. Edits are rare; reads happen on every turn that searches or books.
 */

interface SettingsRow {
  name: string;
  time_zone: string;
  min_lead_minutes: number;
  horizon_days: number;
  weekly_cap: number | null;
  cancel_cutoff_hours: number;
  no_show_limit: number;
  no_show_window_days: number;
  reminder_hours: string;
  assistant_name: string;
  assistant_greeting: string;
  assistant_tone: string;
  assistant_reader: string;
}

/**
 * The whole policy of one center in ONE statement (the Center object's read, and every other
 * reader's): the center's settings row by its unique center_id, with the opening hours (at most 7 rows) and the closed dates from
 * `fromDate` on (a range on their primary key; past holidays are never read) folded in as JSON
 * arrays, and the catalog version the tutor lists are cached at (services/db/catalog.ts). Parsed on
 * the way out, as everything read from storage is.
 */
export async function readCenterState(db: D1Database, options: { center: string; fromDate?: string }): Promise<{ policy: CenterPolicy; catalogVersion: number }> {
  const state = await findCenterState(db, options);
  if (!state) throw new Error(`center_settings has no row for center ${options.center}: apply the D1 migrations, or create the center`);
  return state;
}

/** The same one statement; null when no center has that id (the public reads answer not found). */
export async function findCenterState(db: D1Database, { center, fromDate = "0000-00-00" }: { center: string; fromDate?: string }): Promise<{ policy: CenterPolicy; catalogVersion: number } | null> {
  const row = await db
    .prepare(
      `SELECT name, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, reminder_hours,
         assistant_name, assistant_greeting, assistant_tone, assistant_reader, catalog_version,
         (SELECT json_group_array(json_object('day', day, 'open', open, 'close', close)) FROM center_hours WHERE center_id = ?2) AS hours,
         (SELECT json_group_array(json_object('date', date, 'reason', reason))
            FROM (SELECT date, reason FROM center_closed_dates WHERE center_id = ?2 AND date >= ?1 ORDER BY date LIMIT 1000)) AS closed
       FROM center_settings WHERE center_id = ?2`,
    )
    .bind(fromDate, center)
    .first<SettingsRow & { catalog_version: number; hours: string; closed: string }>();
  if (!row) return null;
  const policy = CenterPolicy.parse({
    name: row.name,
    timeZone: row.time_zone,
    minLeadMinutes: row.min_lead_minutes,
    horizonDays: row.horizon_days,
    weeklyCap: row.weekly_cap,
    cancelCutoffHours: row.cancel_cutoff_hours,
    noShowLimit: row.no_show_limit,
    noShowWindowDays: row.no_show_window_days,
    reminderHours: parseReminderHours(row.reminder_hours),
    hours: jsonColumn(row.hours),
    closedDates: jsonColumn(row.closed),
    persona: personaOf(row),
    // A value written by hand that is not one of ours reads as off: the model is never asked by mistake.
    assistantReader: row.assistant_reader === "model" ? "model" : "off",
  });
  return { policy, catalogVersion: row.catalog_version };
}

/** A column SQLite built with json_group_array: parsed here, validated by CenterPolicy. */
function jsonColumn(text: string): unknown {
  return JSON.parse(text);
}

/** The center's policy as D1 holds it now (one statement): staff pages, the manage link, the schedule. */
export async function readCenterPolicy(db: D1Database, options: { center: string; fromDate?: string }): Promise<CenterPolicy> {
  return (await readCenterState(db, options)).policy;
}

/** The stored persona; a row that no longer passes the rules (edited by hand) reads as the defaults, never breaking a turn. */
function personaOf(row: SettingsRow): AssistantPersona {
  const parsed = AssistantPersona.safeParse({ name: row.assistant_name, greeting: row.assistant_greeting, tone: row.assistant_tone });
  if (parsed.success) return parsed.data;
  console.error("[center] stored assistant persona is not valid; using the defaults", parsed.error.issues);
  return DEFAULT_PERSONA;
}

/**
 * Saves an admin's edit in one batch (D1 runs a batch as one transaction): the settings row (with
 * the persona and the reader, when given; absent, their columns keep what they hold), then the opening hours
 * replaced as a whole. `settings` has been validated by CenterSettingsInput.
 */
export async function updateCenterSettings(
  db: D1Database,
  { center, settings, staffId, now }: { center: string; settings: CenterSettingsInput; staffId: string; now: number },
): Promise<void> {
  await db.batch([
    db
      .prepare(
        `UPDATE center_settings SET name = ?1, time_zone = ?2, min_lead_minutes = ?3, horizon_days = ?4, weekly_cap = ?5,
           cancel_cutoff_hours = ?6, no_show_limit = ?7, no_show_window_days = ?8, updated_at = ?9, updated_by = ?10,
           reminder_hours = COALESCE(?11, reminder_hours),
           assistant_name = COALESCE(?12, assistant_name), assistant_greeting = COALESCE(?13, assistant_greeting),
           assistant_tone = COALESCE(?14, assistant_tone), assistant_reader = COALESCE(?15, assistant_reader)
         WHERE center_id = ?16`,
      )
      .bind(
        settings.name, settings.timeZone, settings.minLeadMinutes, settings.horizonDays, settings.weeklyCap,
        settings.cancelCutoffHours, settings.noShowLimit, settings.noShowWindowDays, now, staffId,
        settings.reminderHours ? settings.reminderHours.join(",") : null,
        settings.persona?.name ?? null, settings.persona?.greeting ?? null, settings.persona?.tone ?? null,
        settings.assistantReader ?? null, center,
      ),
    // Only what changed is written: a weekday no longer open goes, a new or moved one is upserted, the rest stay.
    db.prepare(`DELETE FROM center_hours WHERE center_id = ?1 AND day NOT IN (SELECT value FROM json_each(?2))`).bind(center, JSON.stringify(settings.hours.map((hours) => hours.day))),
    ...settings.hours.map((hours) =>
      db
        .prepare(
          `INSERT INTO center_hours (center_id, day, open, close) VALUES (?4, ?1, ?2, ?3)
           ON CONFLICT (center_id, day) DO UPDATE SET open = excluded.open, close = excluded.close
           WHERE center_hours.open IS NOT excluded.open OR center_hours.close IS NOT excluded.close`,
        )
        .bind(hours.day, hours.open, hours.close, center),
    ),
  ]);
}

/** Adds a closed date, or changes the reason of one already there. */
export async function addClosedDate(db: D1Database, { center, closed }: { center: string; closed: ClosedDate }): Promise<void> {
  await db
    .prepare(`INSERT INTO center_closed_dates (center_id, date, reason) VALUES (?3, ?1, ?2) ON CONFLICT (center_id, date) DO UPDATE SET reason = excluded.reason`)
    .bind(closed.date, closed.reason, center)
    .run();
}

/** True when the date was closed and now is not. */
export async function removeClosedDate(db: D1Database, { center, date }: { center: string; date: string }): Promise<boolean> {
  const result = await db.prepare(`DELETE FROM center_closed_dates WHERE center_id = ?2 AND date = ?1`).bind(date, center).run();
  return result.meta.changes > 0;
}

/** Whether a center of that id exists (its settings row, by the unique center_id): one row read at most. */
export async function centerExists(db: D1Database, { center }: { center: string }): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS found FROM center_settings WHERE center_id = ?").bind(center).first()) !== null;
}
