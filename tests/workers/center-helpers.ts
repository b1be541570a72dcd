import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import type { CenterSnapshot } from "../../lib/center/snapshot";
import { readCenterState } from "../../services/db/center";
import { centerObject } from "../../services/objects";

/**
 * The center as its Center object reads it (services/db/center.ts, one statement), straight from
 * `db`: for tests that run one built-in turn outside a chat and count its D1 statements.
 */
export async function freshCenter(db: D1Database = env.DB, center: string = FIRST_CENTER): Promise<CenterSnapshot> {
  return { version: 0, ...(await readCenterState(db, { center })), readAt: Date.now() };
}

/** How many chats the Center would push a change to now. */
export function centerSubscribers(center: string = FIRST_CENTER): Promise<number> {
  return centerObject(env, center).subscriberCount();
}

/**
 * A second center `id` (host `<id>.localhost`) with main's rules and hours and a copy of main's catalog:
 * the same tutors, subjects and hours under ids prefixed "m" (so a booking shows which center's tutor it took).
 */
export async function centerWithMainsCatalog(id: string): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO centers (id, name, host, created_at) VALUES (?1, ?1, ?1 || '.localhost', 0)").bind(id),
    env.DB.prepare(
      `INSERT INTO center_settings (id, center_id, name, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, updated_at)
       SELECT (SELECT MAX(id) + 1 FROM center_settings), ?1, ?1, time_zone, min_lead_minutes, horizon_days, weekly_cap, cancel_cutoff_hours, no_show_limit, no_show_window_days, 0
       FROM center_settings WHERE center_id = 'main'`,
    ).bind(id),
    env.DB.prepare("INSERT INTO center_hours (center_id, day, open, close) SELECT ?1, day, open, close FROM center_hours WHERE center_id = 'main'").bind(id),
    env.DB.prepare("INSERT INTO tutors (id, name, bio, mode, center_id) SELECT 'm' || id, name, bio, mode, ?1 FROM tutors WHERE center_id = 'main'").bind(id),
    env.DB.prepare("INSERT INTO tutor_subjects (tutor_id, subject, subject_key) SELECT 'm' || s.tutor_id, s.subject, s.subject_key FROM tutor_subjects s JOIN tutors t ON t.id = s.tutor_id WHERE t.center_id = 'main'"),
    env.DB.prepare(`INSERT INTO tutor_availability (tutor_id, day, start, "end") SELECT 'm' || a.tutor_id, a.day, a.start, a."end" FROM tutor_availability a JOIN tutors t ON t.id = a.tutor_id WHERE t.center_id = 'main'`),
  ]);
}
