import { DEFAULT_TIME_ZONE } from "../../lib/calendar";

/** A center's IANA time zone (its center_settings.time_zone, one row), or the default when unset or unreadable. */
export async function centerTimeZone(db: D1Database, { center }: { center: string }): Promise<string> {
  const row = await db.prepare("SELECT time_zone AS timeZone FROM center_settings WHERE center_id = ?").bind(center).first<{ timeZone: string }>();
  const zone = row?.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}
