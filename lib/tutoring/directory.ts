import { SEED_TUTORS } from "./catalog-data";
import type { Tutor } from "./schemas";
import { SKILL_ALIASES } from "./skill-aliases";

/** The directory search over the seed catalog, for when D1 is out of reach (same rules as the sidecar's). */
export function searchSeedDirectory(query: string): Tutor[] {
  const key = query.trim().toLowerCase().replace(/\s+/g, " ");
  if (!key) return SEED_TUTORS;
  const prefix = SKILL_ALIASES[key]?.toLowerCase() ?? key;
  return SEED_TUTORS.filter((tutor) => tutor.subjects.some((subject) => subject.toLowerCase().startsWith(prefix)));
}
