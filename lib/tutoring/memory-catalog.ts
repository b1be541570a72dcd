import type { TutorCatalog } from "./assistant";
import type { Tutor } from "./schemas";
import { SKILL_ALIASES } from "./skill-aliases";

/**
 * The tutor catalog held in memory: the fallback assistant's catalog when D1
 * is out of reach, and the unit tests'. Built once into a subject index so a
 * lookup never scans every tutor.
 */
export function createMemoryCatalog(tutors: Tutor[]): TutorCatalog {
  const bySubject = new Map<string, Tutor[]>();
  const names = new Map<string, string>();
  for (const tutor of tutors) {
    for (const subject of tutor.subjects) {
      const key = subject.toLowerCase();
      if (!names.has(key)) names.set(key, subject);
      const list = bySubject.get(key) ?? [];
      if (!list.includes(tutor)) list.push(tutor);
      bySubject.set(key, list);
    }
  }
  const aliases = new Map(Object.entries(SKILL_ALIASES).map(([alias, subject]) => [alias.toLowerCase(), subject.toLowerCase()]));
  const subjects = [...names.values()].sort((a, b) => a.localeCompare(b));

  return {
    async findBySkill(skill) {
      const key = skill.trim().toLowerCase().replace(/\s+/g, " ");
      const list = bySubject.get(key) ?? bySubject.get(aliases.get(key) ?? "") ?? [];
      return [...list].sort((a, b) => a.id.localeCompare(b.id));
    },
    async subjects() {
      return subjects;
    },
    // Without storage there are no bookings to avoid (fallback mode books nothing).
    async bookedSlots() {
      return [];
    },
  };
}
