import { describe, expect, it } from "vitest";
import { EMPTY_SESSION_FIELDS } from "../../lib/schemas";
import { SubjectAliasInput, SubjectAliasParams } from "../../lib/staff/alias-schemas";
import { respond } from "../../lib/tutoring/assistant";
import { SEED_TUTORS } from "../../lib/tutoring/catalog-data";
import { centerAliasKey, centerAliasTable } from "../../lib/tutoring/center-aliases";
import { createMemoryCatalog } from "../../lib/tutoring/memory-catalog";
import { localNow } from "../../lib/calendar";
import { parseMessage } from "../../lib/tutoring/parse";

// Wednesday, Nov 18 2026, 09:00 in San Francisco.
const NOW = new Date("2026-11-18T17:00:00Z");
const today = localNow(NOW);
const subjects = [...new Set(SEED_TUTORS.flatMap((tutor) => tutor.subjects))].sort();

describe("the center's subject aliases", () => {
  it("keys an alias as the reader reads a message: case, accents, punctuation and a glued course number do not matter", () => {
    for (const spelling of ["MATH 151", "math151", "Math-151", "  math   151 "]) expect(centerAliasKey(spelling)).toBe("math 151");
    expect(centerAliasKey("Química Orgánica")).toBe("quimica organica");
  });

  it("validates an alias's length, words and characters", () => {
    expect(SubjectAliasInput.safeParse({ alias: " MATH 151 ", subject: "Calculus I" })).toMatchObject({ success: true, data: { alias: "MATH 151" } });
    for (const alias of ["a", "x".repeat(41), "!!", "one two three four five six"]) {
      expect(SubjectAliasInput.safeParse({ alias, subject: "Calculus I" }).success, alias).toBe(false);
    }
    expect(SubjectAliasInput.safeParse({ alias: "MATH 151", subject: "" }).success).toBe(false);
  });

  it("takes an alias's key from a URL segment, encoded or not, in any script", () => {
    for (const segment of ["mth%201320", "mth 1320"]) expect(SubjectAliasParams.parse({ aliasKey: segment })).toEqual({ aliasKey: "mth 1320" });
    expect(SubjectAliasParams.parse({ aliasKey: centerAliasKey("数学 一") }).aliasKey).toBe("数学 一");
    for (const aliasKey of ["MTH 1320", "%E0%A4%A", "a/b", ""]) expect(SubjectAliasParams.safeParse({ aliasKey }).success, aliasKey).toBe(false);
  });

  it("reads a center alias as its subject, wins over a built-in alias spelled the same, and keeps its number out of the time", () => {
    const aliases = centerAliasTable(
      [
        { aliasKey: "mth 1320", subject: "calculus ii" },
        { aliasKey: "calc 1", subject: "Precalculus" },
        { aliasKey: "astr 101", subject: "Astronomy" },
      ],
      subjects,
    );
    expect(aliases).toEqual({ "mth 1320": "Calculus II", "calc 1": "Precalculus" });
    expect(parseMessage("mth1320 thursday at 4", { subjects, aliases, today })).toMatchObject({ skill: "Calculus II", day: "thursday", timeFrom: "16:00" });
    expect(parseMessage("calc 1 tomorrow", { subjects, aliases, today }).skill).toBe("Precalculus");
    expect(parseMessage("calc 1 tomorrow", { subjects, today }).skill).toBe("Calculus I");
    expect(parseMessage("mth 1320 thursday", { subjects, today }).skill).toBeUndefined();
  });

  it("searches by a center alias through the assistant when the catalog carries it", async () => {
    const catalog = { ...createMemoryCatalog(SEED_TUTORS), subjectAliases: async () => ({ "mth 1320": "Calculus II" }) };
    const turn = await respond({ fields: EMPTY_SESSION_FIELDS, message: "MTH 1320 on thursday at 10", now: NOW, catalog });
    expect(turn.patch.searchCriteria).toMatchObject({ skill: "Calculus II", day: "thursday", timeFrom: "10:00" });
  });
});
