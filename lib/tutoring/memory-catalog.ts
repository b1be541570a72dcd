import type { Tutor } from "./schemas";
import { skillKeys, subjectKey, subjectList } from "./subject-key";
import type { TutorCatalog } from "./turn-types";

/**
 * The tutor catalog held in memory: the fallback assistant's catalog when D1
 * is out of reach, and the unit tests'. Built once into a subject index so a
 * lookup never scans every tutor. tests/catalog-contract.ts holds it and the
 * D1 catalog to the same behaviour.
 */
export function createMemoryCatalog(tutors: Tutor[]): TutorCatalog {
  const bySubject = new Map<string, Tutor[]>();
  for (const tutor of tutors) {
    for (const subject of tutor.subjects) {
      const key = subjectKey(subject);
      const list = bySubject.get(key) ?? [];
      if (!list.includes(tutor)) list.push(tutor);
      bySubject.set(key, list);
    }
  }
  const subjects = subjectList(tutors.flatMap((tutor) => tutor.subjects));
  const names = [...new Set(tutors.map((tutor) => tutor.name))].sort();

  return {
    async findBySkill(skill) {
      const key = skillKeys(skill).find((candidate) => bySubject.has(candidate));
      const list = key ? (bySubject.get(key) ?? []) : [];
      return [...list].sort((a, b) => a.id.localeCompare(b.id));
    },
    async subjects() {
      return subjects;
    },
    async tutorNames() {
      return names;
    },
    // Without storage there are no bookings to avoid (fallback mode books nothing).
    async bookedSlots() {
      return [];
    },
  };
}
