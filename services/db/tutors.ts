import { DEFAULT_TIME_ZONE, localNow } from "../../lib/calendar";
import { Weekday, type TutorMode } from "../../lib/tutoring/schemas";
import { subjectKey } from "../../lib/tutoring/subject-key";
import type { RebookingEntry, StaffTutor, TutorInput } from "../../lib/staff/tutor-schemas";

/**
 * D1 queries for the staff console's tutor editor. A tutor's profile, subjects
 * and hours change in ONE batch (one transaction): a reader sees the old tutor
 * or the new one, never half an edit. The batch writes only what changed
 * (subjects and ranges that stay are left alone), decided by SQLite against
 * the rows as they are inside the transaction, not by a read before it, so two
 * edits at once leave exactly the later one. Tutors are never deleted
 * (bookings reference them): a retired tutor keeps their row and is never
 * matched, listed or booked again.
 */

type TutorRow = { id: string; name: string; bio: string; mode: TutorMode; retiredAt: number | null; updatedAt: number | null; email: string | null };
type SubjectRow = { tutorId: string; subject: string };
type HoursRow = { tutorId: string; day: string; start: string; end: string };

const TUTOR_COLUMNS = "id, name, bio, mode, retired_at AS retiredAt, updated_at AS updatedAt, email";
/** The guard on every statement of an edit: the tutor exists, is the center's (`center`, a placeholder) and has not retired (checked inside the transaction). */
const live = (center: string) => `EXISTS (SELECT 1 FROM tutors WHERE id = ?1 AND center_id = ${center} AND retired_at IS NULL)`;
/** A weekly range as one comparable string, for "the ranges not in the new list". */
const RANGE_KEY = `day || ' ' || start || ' ' || "end"`;

/** Adds a tutor (profile, subjects, hours) in one batch. */
export async function insertTutor(db: D1Database, { center, id, input, now }: { center: string; id: string; input: TutorInput; now: number }): Promise<void> {
  await db.batch([
    db
      .prepare("INSERT INTO tutors (id, name, bio, mode, updated_at, email, center_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(id, input.name, input.bio, input.mode, now, input.email || null, center),
    ...replaceSubjectsAndHours(db, center, id, input),
  ]);
}

/**
 * Replaces a live tutor's profile, subjects and hours in one batch. "not_found"
 * for an unknown id, "retired" for a retired tutor: then nothing was written.
 */
export async function updateTutor(
  db: D1Database,
  { center, id, input, now }: { center: string; id: string; input: TutorInput; now: number },
): Promise<"updated" | "not_found" | "retired"> {
  const [updated] = await db.batch([
    db
      // email: absent (?6 NULL) keeps the stored one, "" clears it.
      .prepare(
        `UPDATE tutors SET name = ?2, bio = ?3, mode = ?4, updated_at = ?5, email = CASE WHEN ?6 IS NULL THEN email ELSE NULLIF(?6, '') END
         WHERE id = ?1 AND center_id = ?7 AND retired_at IS NULL RETURNING id`,
      )
      .bind(id, input.name, input.bio, input.mode, now, input.email ?? null, center),
    ...replaceSubjectsAndHours(db, center, id, input),
  ]);
  if (updated && updated.results.length > 0) return "updated";
  return (await tutorRetiredAt(db, { center, id })) === undefined ? "not_found" : "retired";
}

/**
 * The subject and hours statements of an edit: drop what the new lists do not
 * hold, insert what is new (a subject whose key stays but whose spelling
 * changed is rewritten; a range with the same start but another end is moved).
 */
function replaceSubjectsAndHours(db: D1Database, center: string, id: string, input: TutorInput): D1PreparedStatement[] {
  const keys = input.subjects.map(subjectKey);
  const ranges = input.hours.map((hours) => `${hours.day} ${hours.start} ${hours.end}`);
  return [
    db.prepare(`DELETE FROM tutor_subjects WHERE tutor_id = ?1 AND subject_key NOT IN (SELECT value FROM json_each(?2)) AND ${live("?3")}`).bind(id, JSON.stringify(keys), center),
    ...input.subjects.map((subject, index) =>
      db
        .prepare(
          `INSERT INTO tutor_subjects (tutor_id, subject, subject_key) SELECT ?1, ?2, ?3 WHERE ${live("?4")}
           ON CONFLICT (tutor_id, subject_key) DO UPDATE SET subject = excluded.subject WHERE subject <> excluded.subject`,
        )
        .bind(id, subject, keys[index]!, center),
    ),
    db.prepare(`DELETE FROM tutor_availability WHERE tutor_id = ?1 AND ${RANGE_KEY} NOT IN (SELECT value FROM json_each(?2)) AND ${live("?3")}`).bind(id, JSON.stringify(ranges), center),
    ...input.hours.map((hours) =>
      db
        .prepare(
          `INSERT INTO tutor_availability (tutor_id, day, start, "end") SELECT ?1, ?2, ?3, ?4 WHERE ${live("?5")}
           ON CONFLICT (tutor_id, day, start) DO UPDATE SET "end" = excluded."end" WHERE "end" <> excluded."end"`,
        )
        .bind(id, hours.day, hours.start, hours.end, center),
    ),
  ];
}

/**
 * Retires a tutor (one conditional UPDATE; the row stays, bookings reference
 * it). Retiring a retired tutor changes nothing and answers when they retired.
 */
export async function retireTutor(db: D1Database, { center, id, now }: { center: string; id: string; now: number }): Promise<{ retiredAt: number } | null> {
  const retired = await db
    .prepare("UPDATE tutors SET retired_at = ?2, updated_at = ?2 WHERE id = ?1 AND center_id = ?3 AND retired_at IS NULL RETURNING retired_at AS retiredAt")
    .bind(id, now, center)
    .first<{ retiredAt: number }>();
  if (retired) return retired;
  const already = await tutorRetiredAt(db, { center, id });
  return already === undefined || already === null ? null : { retiredAt: already };
}

/** When a tutor retired: null while they teach, undefined for an unknown id or another center's (primary key). */
async function tutorRetiredAt(db: D1Database, { center, id }: { center: string; id: string }): Promise<number | null | undefined> {
  const row = await db.prepare("SELECT retired_at AS retiredAt FROM tutors WHERE id = ?1 AND center_id = ?2").bind(id, center).first<{ retiredAt: number | null }>();
  return row ? row.retiredAt : undefined;
}

/** Every tutor, retired ones included (flagged), for the staff list: three reads in one round trip. */
export async function listStaffTutors(db: D1Database, { center }: { center: string }): Promise<StaffTutor[]> {
  const [tutors, subjects, hours] = await db.batch([
    db.prepare(`SELECT ${TUTOR_COLUMNS} FROM tutors WHERE center_id = ? ORDER BY name, id LIMIT 500`).bind(center),
    db.prepare("SELECT s.tutor_id AS tutorId, s.subject FROM tutor_subjects s JOIN tutors t ON t.id = s.tutor_id WHERE t.center_id = ?").bind(center),
    db.prepare(`SELECT a.tutor_id AS tutorId, a.day, a.start, a."end" FROM tutor_availability a JOIN tutors t ON t.id = a.tutor_id WHERE t.center_id = ?`).bind(center),
  ]);
  return assemble(tutors!.results as TutorRow[], subjects!.results as SubjectRow[], hours!.results as HoursRow[]);
}

/** One tutor of the center, retired or not, or null (primary key and the two tables' tutor_id prefixes; another center's rows are dropped with their tutor). */
export async function findStaffTutor(db: D1Database, { center, id }: { center: string; id: string }): Promise<StaffTutor | null> {
  const [tutors, subjects, hours] = await db.batch([
    db.prepare(`SELECT ${TUTOR_COLUMNS} FROM tutors WHERE id = ?1 AND center_id = ?2`).bind(id, center),
    db.prepare("SELECT tutor_id AS tutorId, subject FROM tutor_subjects WHERE tutor_id = ?").bind(id),
    db.prepare(`SELECT tutor_id AS tutorId, day, start, "end" FROM tutor_availability WHERE tutor_id = ?`).bind(id),
  ]);
  return assemble(tutors!.results as TutorRow[], subjects!.results as SubjectRow[], hours!.results as HoursRow[])[0] ?? null;
}

function assemble(tutors: TutorRow[], subjects: SubjectRow[], hours: HoursRow[]): StaffTutor[] {
  return tutors.map((row) => ({
    id: row.id,
    name: row.name,
    bio: row.bio,
    mode: row.mode,
    retiredAt: row.retiredAt,
    updatedAt: row.updatedAt,
    email: row.email,
    subjects: subjects.filter((subject) => subject.tutorId === row.id).map((subject) => subject.subject),
    availability: hours
      .filter((range) => range.tutorId === row.id)
      .map((range) => ({ day: Weekday.parse(range.day), start: range.start, end: range.end }))
      .sort((a, b) => Weekday.options.indexOf(a.day) - Weekday.options.indexOf(b.day) || a.start.localeCompare(b.start)),
  }));
}

/**
 * A tutor's confirmed sessions from today on (today in the tutor's center's time zone,
 * center_settings.time_zone), soonest first; none for another center's tutor: after a retirement, the students
 * to rebook. The partial index bookings_one_per_slot (tutor_id, date, start)
 * WHERE confirmed serves it.
 */
export async function futureBookingsOf(db: D1Database, { center, tutorId, now }: { center: string; tutorId: string; now: number }): Promise<RebookingEntry[]> {
  const zone = await db.prepare("SELECT time_zone AS timeZone FROM center_settings WHERE center_id = ?").bind(center).first<{ timeZone: string }>();
  const today = localNow(new Date(now), zone?.timeZone ?? DEFAULT_TIME_ZONE).date;
  const { results } = await db
    .prepare(
      `SELECT id AS bookingId, student_name AS studentName, student_email AS studentEmail, date, start, "end", mode
       FROM bookings WHERE tutor_id = ?1 AND status = 'confirmed' AND date >= ?2
         AND EXISTS (SELECT 1 FROM tutors t WHERE t.id = ?1 AND t.center_id = ?3)
       ORDER BY date, start LIMIT 500`,
    )
    .bind(tutorId, today, center)
    .all<RebookingEntry>();
  return results;
}
