import { and, eq, gte, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../lib/db/schema";
import type { TutorCatalog } from "../lib/tutoring/assistant";
import { Tutor, Weekday } from "../lib/tutoring/schemas";

/**
 * The tutor catalog read from D1. A skill lookup is two indexed queries
 * (subject key → tutor ids, then those tutors' rows), never a table scan.
 */
export function createD1Catalog(db: D1Database): TutorCatalog {
  const orm = drizzle(db, { schema });
  let subjectNames: Promise<string[]> | undefined;

  return {
    async findBySkill(skill) {
      const key = skill.trim().toLowerCase();
      const ids = await orm
        .select({ tutorId: schema.tutorSubjects.tutorId })
        .from(schema.tutorSubjects)
        .where(eq(schema.tutorSubjects.subjectKey, key));
      return loadTutors(orm, ids.map((row) => row.tutorId));
    },
    async bookedSlots(tutorIds, fromDate) {
      if (tutorIds.length === 0) return [];
      // Served by the partial unique index bookings_one_per_slot (tutor_id, date, start) WHERE confirmed.
      return orm
        .select({ tutorId: schema.bookings.tutorId, date: schema.bookings.date, start: schema.bookings.start })
        .from(schema.bookings)
        .where(and(inArray(schema.bookings.tutorId, tutorIds), gte(schema.bookings.date, fromDate), eq(schema.bookings.status, "confirmed")));
    },
    subjects() {
      // The subject list changes only when the catalog is re-seeded: read it once per isolate.
      subjectNames ??= orm
        .selectDistinct({ subject: schema.tutorSubjects.subject })
        .from(schema.tutorSubjects)
        .then((rows) => rows.map((row) => row.subject).sort());
      return subjectNames;
    },
  };
}

type Orm = ReturnType<typeof drizzle<typeof schema>>;

export async function loadTutors(orm: Orm, ids: string[]): Promise<Tutor[]> {
  if (ids.length === 0) return [];
  const [tutorRows, subjectRows, slotRows] = await Promise.all([
    orm.select().from(schema.tutors).where(inArray(schema.tutors.id, ids)),
    orm.select().from(schema.tutorSubjects).where(inArray(schema.tutorSubjects.tutorId, ids)),
    orm.select().from(schema.tutorAvailability).where(inArray(schema.tutorAvailability.tutorId, ids)),
  ]);
  return tutorRows
    .map((row) =>
      Tutor.parse({
        id: row.id,
        name: row.name,
        bio: row.bio,
        mode: row.mode,
        subjects: subjectRows.filter((s) => s.tutorId === row.id).map((s) => s.subject),
        availability: slotRows
          .filter((slot) => slot.tutorId === row.id)
          .map((slot) => ({ day: Weekday.parse(slot.day), start: slot.start, end: slot.end })),
      }),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
}
