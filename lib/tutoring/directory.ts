import { SEED_TUTORS } from "./catalog-data";
import type { Tutor } from "./schemas";
import { directoryPrefix, subjectKey } from "./subject-key";

/** The directory search over the seed catalog, for when D1 is out of reach (same rules as the sidecar's). */
export function searchSeedDirectory(query: string): Tutor[] {
  const prefix = directoryPrefix(query);
  if (!prefix) return SEED_TUTORS;
  return SEED_TUTORS.filter((tutor) => tutor.subjects.some((subject) => subjectKey(subject).startsWith(prefix)));
}
