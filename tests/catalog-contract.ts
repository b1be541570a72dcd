import { beforeAll, describe, expect, it } from "vitest";
import { SEED_TUTORS } from "../lib/tutoring/catalog-data";
import type { Tutor } from "../lib/tutoring/schemas";
import type { TutorCatalog } from "../lib/tutoring/turn-types";

/**
 * What every TutorCatalog must do, run against the in-memory catalog
 * (tests/unit/tutoring-match.test.ts) and the D1 one inside workerd
 * (tests/workers/catalog.test.ts): the fallback and the sidecar must find the
 * same tutors for the same words.
 */

/** The seed, plus tutors that corner the lookup rules: a subject spelled like an alias, one written in lower case. */
export const CONTRACT_TUTORS: Tutor[] = [
  ...SEED_TUTORS,
  {
    id: "t-900",
    name: "Hana Reyes",
    mode: "online",
    subjects: ["History"],
    bio: "World history, not only the US.",
    availability: [{ day: "monday", start: "09:00", end: "12:00" }],
  },
  {
    id: "t-901",
    name: "Omar Haddad",
    mode: "both",
    subjects: ["python", "Statistics"],
    bio: "Data analysis with pandas.",
    availability: [
      { day: "tuesday", start: "13:00", end: "17:00" },
      { day: "friday", start: "10:00", end: "12:00" },
    ],
  },
];

/** A tutor as every catalog must return it; the order of subjects and hours is the store's. */
function comparable(tutor: Tutor) {
  return {
    ...tutor,
    subjects: [...tutor.subjects].sort(),
    availability: [...tutor.availability].sort((a, b) => `${a.day}${a.start}`.localeCompare(`${b.day}${b.start}`)),
  };
}

export function catalogContract(name: string, makeCatalog: (tutors: Tutor[]) => Promise<TutorCatalog>): void {
  describe(name, () => {
    let catalog: TutorCatalog;
    beforeAll(async () => {
      catalog = await makeCatalog(CONTRACT_TUTORS);
    });

    async function ids(skill: string) {
      return (await catalog.findBySkill(skill)).map((t) => t.id);
    }

    it("finds tutors by subject regardless of case", async () => {
      const found = await ids("pYtHoN");
      expect(found).toContain("t-001");
      expect(found).toEqual([...found].sort());
    });

    it("finds tutors through an alias", async () => {
      expect(await ids("calc 2")).toEqual(await ids("Calculus II"));
      expect((await catalog.findBySkill("stats")).length).toBeGreaterThan(0);
    });

    it("finds nobody for an unknown subject", async () => {
      expect(await catalog.findBySkill("Underwater Basket Weaving")).toEqual([]);
    });

    it("lists each subject once, sorted", async () => {
      const subjects = await catalog.subjects();
      expect(subjects).toEqual([...new Set(subjects)].sort((a, b) => a.localeCompare(b)));
      expect(subjects).toContain("Calculus II");
    });

    it("reads a subject with stray spaces as the subject", async () => {
      const calculus = await ids("Calculus II");
      expect(calculus.length).toBeGreaterThan(0);
      expect(await ids("  calculus   II ")).toEqual(calculus);
      expect(await ids(" CALC  2 ")).toEqual(calculus);
    });

    it("finds every tutor of a subject however each spells it", async () => {
      const found = await ids("Python");
      expect(found).toContain("t-901");
      expect(found).toEqual(await ids("py"));
    });

    it("lists a subject spelled two ways once", async () => {
      const subjects = await catalog.subjects();
      expect(subjects.filter((subject) => subject.toLowerCase() === "python")).toHaveLength(1);
    });

    it("prefers a subject to an alias spelled the same", async () => {
      // "history" is also an alias of US History, which other tutors teach.
      expect(await ids("history")).toEqual(["t-900"]);
      expect(await ids("American History")).toEqual(await ids("US History"));
      expect(await ids("US History")).not.toContain("t-900");
    });

    it("reads only the alias table's own entries", async () => {
      for (const word of ["constructor", "__proto__", "toString"]) expect(await catalog.findBySkill(word)).toEqual([]);
    });

    it("returns each tutor whole: name, bio, mode, subjects and hours", async () => {
      const byId = new Map(CONTRACT_TUTORS.map((tutor) => [tutor.id, tutor]));
      const found = [...(await catalog.findBySkill("Statistics")), ...(await catalog.findBySkill("History"))];
      expect(found.map((t) => t.id)).toContain("t-901");
      for (const tutor of found) expect(comparable(tutor)).toEqual(comparable(byId.get(tutor.id)!));
    });

    it("lists each tutor's name once, sorted, for recognising a tutor asked for by name", async () => {
      const names = (await catalog.tutorNames?.()) ?? [];
      expect(names).toEqual([...new Set(CONTRACT_TUTORS.map((tutor) => tutor.name))].sort());
    });

    it("reports no booked slots for no tutors, or for tutors nobody booked", async () => {
      expect(await catalog.bookedSlots([], "2026-11-22")).toEqual([]);
      expect(await catalog.bookedSlots(["t-900", "t-901"], "2026-11-22")).toEqual([]);
    });
  });
}
