import { and, asc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../lib/db/schema";
import { Tutor, Weekday } from "../../lib/tutoring/schemas";
import { directoryPrefix, skillKeys, subjectList } from "../../lib/tutoring/subject-key";
import { centerAliasTable, type CenterAliases } from "../../lib/tutoring/center-aliases";
import type { TutorCatalog } from "../../lib/tutoring/turn-types";

/**
 * The tutor catalog read from D1. A skill lookup is two indexed queries
 * (subject keys → tutor ids, then those tutors' rows), never a table scan.
 * It answers exactly as the in-memory catalog does (tests/catalog-contract.ts).
 * Retired tutors (`retired_at` set) are never found, listed or offered.
 */

/**
 * The subject list per isolate (per database binding), with the catalog
 * version it was read at (the center's `center_settings.catalog_version`, moved by
 * triggers on every change to who teaches what there), per center: an edit in any isolate is seen by the
 * next message in every isolate, and an unchanged catalog costs one row read.
 */
const subjectsByDb = new WeakMap<D1Database, Map<string, { version: number; names: Promise<string[]> }>>();
/** The tutors' names, kept the same way (a rename moves the version too: migration 0021). */
const tutorNamesByDb = new WeakMap<D1Database, Map<string, { version: number; names: Promise<string[]> }>>();
/** The center's subject aliases, kept the same way (adding or removing one moves the version: migration 0023). */
const aliasesByDb = new WeakMap<D1Database, Map<string, { version: number; table: Promise<CenterAliases> }>>();

/** One center's entry in a per-database cache (each center has its own lists and its own catalog version). */
function perCenter<T>(caches: WeakMap<D1Database, Map<string, T>>, db: D1Database): Map<string, T> {
  let byCenter = caches.get(db);
  if (!byCenter) caches.set(db, (byCenter = new Map()));
  return byCenter;
}

/**
 * `known.version`: the catalog version the caller already holds (a chat's center snapshot,
 * durable-objects/chat/center.ts), so the lists cost no statement at all while it is unchanged.
 */
export function createD1Catalog(db: D1Database, { center, version: knownVersion }: { center: string; version?: number }): TutorCatalog {
  const orm = drizzle(db, { schema });
  const ofCenter = eq(schema.tutors.centerId, center);
  const subjectsCache = perCenter(subjectsByDb, db);
  const namesCache = perCenter(tutorNamesByDb, db);
  const aliasesCache = perCenter(aliasesByDb, db);
  // One catalog per turn: the version row is read once for both lists, and not at all when known.
  let versionRead: Promise<number> | undefined = knownVersion === undefined ? undefined : Promise.resolve(knownVersion);
  const catalogVersion = () =>
    (versionRead ??= db
      .prepare("SELECT catalog_version AS version FROM center_settings WHERE center_id = ?")
      .bind(center)
      .first<{ version: number }>()
      .then((row) => row?.version ?? -1));

  const catalog: TutorCatalog = {
    async findBySkill(skill) {
      // The subject and its alias's subject in one query; the first key in `skillKeys` order that has tutors wins.
      const keys = skillKeys(skill);
      const rows = await orm
        .select({ tutorId: schema.tutorSubjects.tutorId, subjectKey: schema.tutorSubjects.subjectKey })
        .from(schema.tutorSubjects)
        .innerJoin(schema.tutors, eq(schema.tutors.id, schema.tutorSubjects.tutorId))
        .where(and(inArray(schema.tutorSubjects.subjectKey, keys), isNull(schema.tutors.retiredAt), byKeyOfCenter(center)));
      const key = keys.find((candidate) => rows.some((row) => row.subjectKey === candidate));
      return loadTutors(orm, { center, ids: rows.filter((row) => row.subjectKey === key).map((row) => row.tutorId) });
    },
    async bookedSlots(tutorIds, fromDate) {
      if (tutorIds.length === 0) return [];
      // Served by the partial unique index bookings_one_per_slot (tutor_id, date, start) WHERE confirmed.
      return orm
        .select({ tutorId: schema.bookings.tutorId, date: schema.bookings.date, start: schema.bookings.start })
        .from(schema.bookings)
        .where(and(inArray(schema.bookings.tutorId, tutorIds), gte(schema.bookings.date, fromDate), eq(schema.bookings.status, "confirmed")));
    },
    /**
     * Read on every message, not cached: staff edit the catalog at any time, from
     * another isolate, and a subject added there must be recognised by the next
     * message here. One query, no sort or DISTINCT in SQL (each costs D1 another
     * pass): 2 rows read per subject row, its own and its tutor's (252 for the seed;
     * docs/staff.md, "Tutors"). Sorted first, so the first spelling wins as before.
     */
    async subjects() {
      // One indexed read of one row per message; the list itself only when a trigger moved the version.
      const version = await catalogVersion();
      const cached = subjectsCache.get(center);
      if (cached && cached.version === version) return cached.names;
      const names = orm
        .select({ subject: schema.tutorSubjects.subject })
        .from(schema.tutorSubjects)
        .innerJoin(schema.tutors, eq(schema.tutors.id, schema.tutorSubjects.tutorId))
        .where(and(isNull(schema.tutors.retiredAt), ofCenter))
        .then((rows) => subjectList(rows.map((subject) => subject.subject).sort()));
      // A failed read must not be cached: the next message tries again.
      names.catch(() => subjectsCache.delete(center));
      subjectsCache.set(center, { version, names });
      return names;
    },
    /** Every teaching tutor's name, for "can I get Maya again": no rows beyond the version while nothing changed. */
    async tutorNames() {
      const version = await catalogVersion();
      const cached = namesCache.get(center);
      if (cached && cached.version === version) return cached.names;
      const names = orm
        .select({ name: schema.tutors.name })
        .from(schema.tutors)
        .where(and(isNull(schema.tutors.retiredAt), ofCenter))
        .then((rows) => [...new Set(rows.map((row) => row.name))].sort());
      names.catch(() => namesCache.delete(center));
      namesCache.set(center, { version, names });
      return names;
    },
    /** The center's aliases whose subject some tutor teaches: no rows beyond the version while nothing changed. */
    async subjectAliases() {
      const version = await catalogVersion();
      const cached = aliasesCache.get(center);
      if (cached && cached.version === version) return cached.table;
      const table = Promise.all([
        orm.select({ aliasKey: schema.subjectAliases.aliasKey, subject: schema.subjectAliases.subject }).from(schema.subjectAliases).where(eq(schema.subjectAliases.centerId, center)),
        catalog.subjects(),
      ]).then(([rows, subjects]) => centerAliasTable(rows, subjects));
      table.catch(() => aliasesCache.delete(center));
      aliasesCache.set(center, { version, table });
      return table;
    },
  };
  return catalog;
}

type Orm = ReturnType<typeof drizzle<typeof schema>>;

/** Whether a tutor still teaching teaches `skill` (or the subject its alias stands for): one indexed read, at most one row. */
export async function teachesSubject(db: D1Database, { center, skill }: { center: string; skill: string }): Promise<boolean> {
  const keys = skillKeys(skill);
  const row = await db
    .prepare("SELECT 1 AS found FROM tutor_subjects s JOIN tutors t ON t.id = s.tutor_id WHERE s.subject_key IN (?1, ?2) AND t.retired_at IS NULL AND t.center_id = ?3 LIMIT 1")
    .bind(keys[0], keys.at(-1), center)
    .first<{ found: number }>();
  return row !== null;
}

/** These tutors' profiles, those of another center and retired ones left out (the catalog's and the directory's one reader). */
/**
 * "The tutor is this center's", for a query that finds tutors by key (a subject key, their ids): the
 * unary `+` keeps SQLite on those keys' indexes instead of walking the whole center's range of
 * tutors_by_center (every tutor of the center, read to keep a few).
 */
function byKeyOfCenter(center: string) {
  return sql`+${schema.tutors.centerId} = ${center}`;
}

export async function loadTutors(orm: Orm, { center, ids }: { center: string; ids: string[] }): Promise<Tutor[]> {
  if (ids.length === 0) return [];
  const [tutorRows, subjectRows, slotRows] = await Promise.all([
    orm
      .select()
      .from(schema.tutors)
      .where(and(inArray(schema.tutors.id, ids), isNull(schema.tutors.retiredAt), byKeyOfCenter(center))),
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

/**
 * The /tutors directory: every tutor, or those with a subject starting with
 * the query (aliases such as "calc" or "js" resolved first). A prefix range on
 * the subject_key index, not a scan.
 */
export async function searchDirectory(db: D1Database, { center, query }: { center: string; query: string }): Promise<Tutor[]> {
  const orm = drizzle(db, { schema });
  const prefix = directoryPrefix(query);
  if (!prefix) {
    const all = await orm
      .select({ id: schema.tutors.id })
      .from(schema.tutors)
      .where(and(isNull(schema.tutors.retiredAt), eq(schema.tutors.centerId, center)))
      .orderBy(asc(schema.tutors.id))
      .limit(200);
    return loadTutors(orm, { center, ids: all.map((row) => row.id) });
  }
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const rows = await orm
    .selectDistinct({ tutorId: schema.tutorSubjects.tutorId })
    .from(schema.tutorSubjects)
    .where(and(gte(schema.tutorSubjects.subjectKey, prefix), lt(schema.tutorSubjects.subjectKey, upper)));
  // The other centers' tutors of that subject are dropped by loadTutors (their ids, not their rows, were read).
  return loadTutors(orm, { center, ids: rows.map((row) => row.tutorId) });
}
