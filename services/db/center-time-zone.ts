import { DEFAULT_TIME_ZONE } from "../../lib/calendar";
import { FIRST_CENTER } from "../../lib/center/ids";

/** The center's IANA time zone (center_settings.time_zone, one row by the unique center_id), or the default when unset or unreadable. */
export async function centerTimeZone(db: D1Database, { center = FIRST_CENTER }: { center?: string } = {}): Promise<string> {
  const row = await db.prepare("SELECT time_zone AS timeZone FROM center_settings WHERE center_id = ?").bind(center).first<{ timeZone: string }>();
  const zone = row?.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}
