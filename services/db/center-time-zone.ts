import { DEFAULT_TIME_ZONE } from "../../lib/calendar";

/** The center's IANA time zone (center_settings.time_zone, one row), or the default when unset or unreadable. */
export async function centerTimeZone(db: D1Database): Promise<string> {
  const row = await db.prepare("SELECT time_zone AS timeZone FROM center_settings WHERE id = 1").first<{ timeZone: string }>();
  const zone = row?.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}
