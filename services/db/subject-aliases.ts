import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../lib/db/schema";
import type { SubjectAlias } from "../../lib/staff/alias-schemas";
import { subjectKey } from "../../lib/tutoring/subject-key";

/** Each center's subject aliases in D1 (`subject_aliases`, migration 0023); the tutor editor's reads and writes. */

/** Every alias, by subject then alias (one row read per alias). */
export async function listSubjectAliases(db: D1Database, { center }: { center: string }): Promise<SubjectAlias[]> {
  return drizzle(db, { schema })
    .select({ aliasKey: schema.subjectAliases.aliasKey, alias: schema.subjectAliases.alias, subject: schema.subjectAliases.subject, createdAt: schema.subjectAliases.createdAt })
    .from(schema.subjectAliases)
    .where(eq(schema.subjectAliases.centerId, center))
    .orderBy(asc(schema.subjectAliases.subject), asc(schema.subjectAliases.aliasKey));
}

/** How many aliases the center holds. */
export async function countSubjectAliases(db: D1Database, { center }: { center: string }): Promise<number> {
  const row = await db.prepare("SELECT COUNT(*) AS count FROM subject_aliases WHERE center_id = ?").bind(center).first<{ count: number }>();
  return row?.count ?? 0;
}

/** The catalog's spelling of `subject` when a tutor still teaching teaches it (one indexed read), else null. */
export async function taughtSubject(db: D1Database, { center, subject }: { center: string; subject: string }): Promise<string | null> {
  const row = await db
    .prepare("SELECT s.subject AS subject FROM tutor_subjects s JOIN tutors t ON t.id = s.tutor_id WHERE s.subject_key = ?1 AND t.retired_at IS NULL AND t.center_id = ?2 ORDER BY s.subject LIMIT 1")
    .bind(subjectKey(subject), center)
    .first<{ subject: string }>();
  return row?.subject ?? null;
}

/**
 * Adds an alias unless its key already names a subject: one row written (the catalog version's
 * trigger one more), or none and the alias that holds the key.
 */
export async function insertSubjectAlias(
  db: D1Database,
  { center, alias }: { center: string; alias: SubjectAlias },
): Promise<{ added: true } | { added: false; existing: SubjectAlias | null }> {
  const result = await db
    .prepare("INSERT INTO subject_aliases (center_id, alias_key, alias, subject, created_at) VALUES (?5, ?1, ?2, ?3, ?4) ON CONFLICT (center_id, alias_key) DO NOTHING")
    .bind(alias.aliasKey, alias.alias, alias.subject, alias.createdAt, center)
    .run();
  if (result.meta.changes > 0) return { added: true };
  const existing = await db
    .prepare("SELECT alias_key AS aliasKey, alias, subject, created_at AS createdAt FROM subject_aliases WHERE center_id = ?2 AND alias_key = ?1")
    .bind(alias.aliasKey, center)
    .first<SubjectAlias>();
  return { added: false, existing };
}

/** Removes an alias; whether there was one. */
export async function deleteSubjectAlias(db: D1Database, { center, aliasKey }: { center: string; aliasKey: string }): Promise<boolean> {
  const result = await db.prepare("DELETE FROM subject_aliases WHERE center_id = ?2 AND alias_key = ?1").bind(aliasKey, center).run();
  return result.meta.changes > 0;
}
