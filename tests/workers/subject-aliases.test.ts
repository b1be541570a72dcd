import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChatState } from "../../lib/schemas";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { createD1Catalog } from "../../services/db/catalog";
import { StaffSubjectAliases } from "../../workers/staff/subject-aliases";
import { enrolled, meteredD1, sidecar } from "./staff-helpers";

/** A fresh chat's answer to one message, through the sidecar as the web worker sends it. */
async function ask(content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(newSessionId(), newOwnerId(), { content })).state;
}

async function staffToken(role: "admin" | "staff" | "tutor" = "staff") {
  return (await enrolled(await FakeAuthenticator.create(), role)).session.token;
}

async function aliasRows() {
  return (await env.DB.prepare("SELECT alias_key AS aliasKey, alias, subject FROM subject_aliases ORDER BY alias_key").all()).results;
}

describe("subject aliases in the tutor editor", () => {
  beforeAll(seedCatalog);

  it("adds a course code that the assistant reads as its subject from the very next message", async () => {
    const token = await staffToken("staff");
    // Read once before the alias exists, so the isolate holds the subject list and the aliases.
    expect((await ask("need help with MTH 1320 on thursday at 10")).searchCriteria?.skill).toBeUndefined();

    const added = unwrapOk(await sidecar.staffAddSubjectAlias(token, { alias: "  MTH 1320 ", subject: "calculus ii" }));
    expect(added).toMatchObject({ aliasKey: "mth 1320", alias: "MTH 1320", subject: "Calculus II" });

    const state = await ask("need help with mth1320 on thursday at 10");
    expect(state.searchCriteria).toMatchObject({ skill: "Calculus II", day: "thursday", timeFrom: "10:00" });
    expect(state.pendingMatch?.tutor.subjects).toContain("Calculus II");
    expect(unwrapOk(await sidecar.staffSubjectAliases(token)).aliases).toContainEqual(expect.objectContaining({ aliasKey: "mth 1320", subject: "Calculus II" }));
  });

  it("refuses a duplicate (in any spelling, for any subject), an unknown subject, a subject's own name and an oversize alias, writing nothing", async () => {
    const token = await staffToken("admin");
    unwrapOk(await sidecar.staffAddSubjectAlias(token, { alias: "STAT 2000", subject: "Statistics" }));
    const before = await aliasRows();

    const again = await sidecar.staffAddSubjectAlias(token, { alias: "stat2000", subject: "Statistics" });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict:subject_alias" } });
    const elsewhere = await sidecar.staffAddSubjectAlias(token, { alias: "Stat-2000", subject: "Economics" });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: "conflict:subject_alias", message: expect.stringContaining("Statistics") } });
    for (const input of [
      { alias: "ASTR 101", subject: "Astronomy" },
      { alias: "python", subject: "Java" },
      { alias: "x".repeat(41), subject: "Python" },
      { alias: "!", subject: "Python" },
      { alias: "one two three four five six", subject: "Python" },
      { alias: "PY 1", subject: "Python", extra: true },
    ]) {
      expect(await sidecar.staffAddSubjectAlias(token, input as never), JSON.stringify(input)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(await aliasRows()).toEqual(before);
  });

  it("removes an alias: the assistant stops reading it; removing it again is a 404", async () => {
    const token = await staffToken("staff");
    unwrapOk(await sidecar.staffAddSubjectAlias(token, { alias: "CHEM 1A", subject: "Organic Chemistry" }));
    expect((await ask("chem 1a friday at 2pm")).searchCriteria?.skill).toBe("Organic Chemistry");

    expect(unwrapOk(await sidecar.staffRemoveSubjectAlias(token, "chem 1a"))).toEqual({ removed: true });
    expect((await ask("chem 1a friday at 2pm")).searchCriteria?.skill).toBe("Chemistry");
    expect(await sidecar.staffRemoveSubjectAlias(token, "chem 1a")).toMatchObject({ ok: false, error: { code: "not_found:subject_alias" } });
  });

  it("lets a tutor-role member look but not add", async () => {
    const token = await staffToken("tutor");
    expect(unwrapOk(await sidecar.staffSubjectAliases(token))).toMatchObject({ canEdit: false, subjects: expect.arrayContaining(["Python"]) });
    expect(await sidecar.staffAddSubjectAlias(token, { alias: "CS 61A", subject: "Python" })).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
  });

  it("costs the alias row and the catalog version to add; a message reads no alias row while nothing changed", async () => {
    const token = await staffToken("staff");
    const metered = meteredD1(env.DB);
    unwrapOk(await new StaffSubjectAliases({ DB: metered.db, CENTER: env.CENTER }).add(token, { alias: "PHYS 2A", subject: "Physics" }));
    // The alias row, its primary-key index entry, and the catalog version by trigger.
    expect(metered.counts.rowsWritten).toBe(3);
    const catalog = () => createD1Catalog(metered.db, { center: FIRST_CENTER });
    await catalog().subjectAliases?.();
    const before = { ...metered.counts };
    expect(await catalog().subjectAliases?.()).toMatchObject({ "phys 2a": "Physics" });
    expect(metered.counts.statements - before.statements).toBe(1);
    expect(metered.counts.rowsRead - before.rowsRead).toBe(1);
  });
});
