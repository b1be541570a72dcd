import { FIRST_CENTER } from "../../lib/center/ids";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CENTER_POLICY } from "../../lib/center/policy";
import type { ChatState } from "../../lib/schemas";
import type { TutorInputDraft } from "../../lib/staff/tutor-schemas";
import { addDays, localNow, nextDateFor, weekdayOf } from "../../lib/calendar";
import { insertOfferedBooking } from "../../services/db/bookings";
import { createD1Catalog } from "../../services/db/catalog";
import { StaffTutors } from "../../workers/staff/tutors";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { enrolled, meteredD1, sidecar } from "./staff-helpers";

/** A fresh chat's answer to one message, through the sidecar as the web worker sends it. */
async function ask(content: string): Promise<ChatState> {
  return unwrapOk(await sidecar.sendMessage(newSessionId(), newOwnerId(), { content })).state;
}

async function staffToken(role: "admin" | "staff" | "tutor" = "staff") {
  return (await enrolled(await FakeAuthenticator.create(), role)).session.token;
}

const ASTRONOMER: TutorInputDraft = {
  name: "Vera Rubin",
  bio: "Galaxies, telescopes and the maths behind them.",
  mode: "online",
  subjects: ["Astronomy"],
  hours: [{ day: "monday", start: "10:00", end: "12:00" }],
};

/** Everything D1 holds about the catalog, as one comparable value. */
async function catalogRows() {
  const row = await env.DB.prepare(
    `SELECT (SELECT group_concat(id || '|' || name || '|' || bio || '|' || mode || '|' || COALESCE(retired_at, '') || '|' || COALESCE(updated_at, ''), ';') FROM tutors) AS tutors,
            (SELECT group_concat(tutor_id || '|' || subject, ';') FROM tutor_subjects) AS subjects,
            (SELECT group_concat(tutor_id || '|' || day || '|' || start || '|' || "end", ';') FROM tutor_availability) AS hours`,
  ).first();
  return row;
}

/** A confirmed booking straight through the booking INSERT, as the assistant's effect makes it; whether it was made. */
async function bookDirectly(tutorId: string, date: string, start: string, end: string, studentName = "Rosalind Franklin") {
  const reference = await insertOfferedBooking(env.DB, {
    id: `bk-${crypto.randomUUID().replaceAll("-", "")}`,
    sessionId: newSessionId(),
    ownerId: newOwnerId(),
    tutorId,
    date,
    start,
    end,
    studentName,
    studentEmail: `${studentName.split(" ")[0]!.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`,
    mode: "online",
    intake: "",
    subject: "Python",
    now: Date.now(),
    timeZone: DEFAULT_CENTER_POLICY.timeZone,
  });
  return reference !== null;
}

describe("the tutor editor", () => {
  beforeAll(seedCatalog);

  it("adds a tutor whom the assistant finds by a new subject from the very next message", async () => {
    const token = await staffToken("staff");
    // The subject is unknown, and this message has read the subject list once already.
    expect((await ask("I need help with Astronomy on Monday at 10")).pendingMatch).toBeNull();

    const created = unwrapOk(await sidecar.staffCreateTutor(token, ASTRONOMER));
    expect(created.tutor).toMatchObject({ id: expect.stringMatching(/^t-[0-9a-f]{16}$/), name: "Vera Rubin", subjects: ["Astronomy"], retiredAt: null });

    const state = await ask("I need help with Astronomy on Monday at 10");
    expect(state.pendingMatch?.tutor.id).toBe(created.tutor.id);
    expect(state.pendingMatch?.slot).toMatchObject({ day: "monday", start: "10:00", end: "11:00" });
    expect(unwrapOk(await sidecar.listTutors(FIRST_CENTER, "astro")).map((tutor) => tutor.id)).toEqual([created.tutor.id]);
  });

  it("edits a tutor's hours: the assistant offers the new hours and never the old", async () => {
    const token = await staffToken("admin");
    const { tutor } = unwrapOk(await sidecar.staffCreateTutor(token, { ...ASTRONOMER, name: "Cecilia Payne", subjects: ["Ceramics"] }));
    expect((await ask("Ceramics on Monday at 10")).pendingMatch?.slot).toMatchObject({ day: "monday", start: "10:00" });

    const edited = unwrapOk(
      await sidecar.staffUpdateTutor(token, tutor.id, { ...ASTRONOMER, name: "Cecilia Payne", subjects: ["Ceramics"], hours: [{ day: "thursday", start: "15:00", end: "17:00" }] }),
    );
    expect(edited.tutor.availability).toEqual([{ day: "thursday", start: "15:00", end: "17:00" }]);

    // Asked for the old hours, the assistant offers only the new ones.
    const old = await ask("Ceramics on Monday at 10");
    expect(old.pendingMatch?.tutor.id).toBe(tutor.id);
    expect(old.pendingMatch?.slot).toMatchObject({ day: "thursday", start: "15:00" });
    for (const offer of old.availableTutors) expect(offer.slot.day).toBe("thursday");
    expect((await ask("Ceramics on Thursday at 4pm")).pendingMatch?.slot).toMatchObject({ day: "thursday", start: "16:00", end: "17:00" });

    // And the booking INSERT agrees: the old hour is no longer bookable, the new one is.
    const monday = nextDateFor("monday", addDays(localNow(new Date()).date, 1));
    expect(await bookDirectly(tutor.id, monday, "10:00", "11:00")).toBe(false);
    expect(await bookDirectly(tutor.id, addDays(monday, 3), "15:00", "16:00")).toBe(true);
  });

  it("writes only what an edit changes, in one batch", async () => {
    const token = await staffToken("staff");
    const metered = meteredD1(env.DB);
    const editor = new StaffTutors({ DB: metered.db, CENTER: env.CENTER });
    const { tutor } = unwrapOk(
      await editor.create(token, {
        ...ASTRONOMER,
        subjects: ["Astronomy", "Physics"],
        hours: [
          { day: "monday", start: "10:00", end: "12:00" },
          { day: "wednesday", start: "14:00", end: "16:00" },
        ],
      }),
    );
    // The tutors row, its key and its entry in tutors_by_center (3), each subject with its key and subject_key index (3 × 2), each range with its key (2 × 2),
    // and the catalog version the two new subjects moved by trigger (2 × 1).
    expect(metered.counts.rowsWritten).toBe(3 + 3 * 2 + 2 * 2 + 2);
    metered.reset();
    const moved = {
      ...ASTRONOMER,
      subjects: ["Astronomy", "Physics"],
      hours: [
        { day: "monday", start: "10:00", end: "12:00" },
        { day: "friday", start: "14:00", end: "16:00" },
      ],
    };
    unwrapOk(await editor.update(token, tutor.id, moved));
    // One range moved: the tutors row (1), the old range out (1), the new one in (2: the row and its primary key).
    // The subjects and the range that stayed write nothing.
    expect(metered.counts.rowsWritten).toBe(4);

    metered.reset();
    unwrapOk(await editor.update(token, tutor.id, moved));
    // Saved again unchanged: only the tutors row's updated_at.
    expect(metered.counts.rowsWritten).toBe(1);
  });

  it("retires a tutor: never matched, listed or booked again, and their future bookings are listed to rebook", async () => {
    const token = await staffToken("staff");
    const date = addDays(localNow(new Date()).date, 8);
    const { tutor } = unwrapOk(
      await sidecar.staffCreateTutor(token, { ...ASTRONOMER, name: "Henrietta Leavitt", subjects: ["Origami"], hours: [{ day: weekdayOf(date), start: "09:00", end: "12:00" }] }),
    );
    expect(await bookDirectly(tutor.id, date, "09:00", "10:00", "Annie Cannon")).toBe(true);

    const retired = unwrapOk(await sidecar.staffRetireTutor(token, tutor.id));
    expect(retired.tutor.retiredAt).toEqual(expect.any(Number));
    expect(retired.toRebook).toEqual([expect.objectContaining({ studentName: "Annie Cannon", date, start: "09:00", end: "10:00" })]);

    expect((await ask(`Origami on ${weekdayOf(date)} at 10`)).pendingMatch).toBeNull();
    expect(unwrapOk(await sidecar.listTutors(FIRST_CENTER, "origami"))).toEqual([]);
    expect(unwrapOk(await sidecar.listTutors(FIRST_CENTER, "")).map((entry) => entry.id)).not.toContain(tutor.id);
    expect(await createD1Catalog(env.DB, { center: FIRST_CENTER }).findBySkill("Origami")).toEqual([]);
    expect(await createD1Catalog(env.DB, { center: FIRST_CENTER }).subjects()).not.toContain("Origami");
    expect(await bookDirectly(tutor.id, date, "10:00", "11:00")).toBe(false);

    // Never silently dropped: the booking is still confirmed, and the list is there on every later visit.
    const status = await env.DB.prepare("SELECT status FROM bookings WHERE tutor_id = ?").bind(tutor.id).all<{ status: string }>();
    expect(status.results).toEqual([{ status: "confirmed" }]);
    expect(unwrapOk(await sidecar.staffTutor(token, tutor.id)).toRebook).toHaveLength(1);
    const listed = unwrapOk(await sidecar.staffTutors(token)).tutors.find((entry) => entry.id === tutor.id);
    expect(listed?.retiredAt).toBe(retired.tutor.retiredAt);

    // A second retire changes nothing; a retired tutor cannot be edited.
    expect(unwrapOk(await sidecar.staffRetireTutor(token, tutor.id)).tutor.retiredAt).toBe(retired.tutor.retiredAt);
    expect(await sidecar.staffUpdateTutor(token, tutor.id, ASTRONOMER)).toMatchObject({ ok: false, error: { code: "conflict:tutor" } });
  });

  it("refuses invalid bodies with field issues and leaves D1 as it was", async () => {
    const token = await staffToken("staff");
    const before = await catalogRows();
    const hours = (...ranges: [string, string, string][]) => ranges.map(([day, start, end]) => ({ day, start, end }));
    const invalid: [unknown, string][] = [
      [{ ...ASTRONOMER, hours: hours(["monday", "10:00", "12:00"], ["monday", "11:00", "13:00"]) }, "hours.1.start"],
      [{ ...ASTRONOMER, hours: hours(["monday", "12:00", "10:00"]) }, "hours.0.end"],
      [{ ...ASTRONOMER, hours: hours(["monday", "10:00", "10:30"]) }, "hours.0.end"],
      [{ ...ASTRONOMER, hours: hours(["monday", "10:15", "12:00"]) }, "hours.0.start"],
      [{ ...ASTRONOMER, hours: hours(["monday", "25:00", "26:00"]) }, "hours.0.start"],
      [{ ...ASTRONOMER, hours: hours(["someday", "10:00", "12:00"]) }, "hours.0.day"],
      [{ ...ASTRONOMER, hours: Array.from({ length: 22 }, (_, index) => ({ day: "monday", start: `${String(index).padStart(2, "0")}:00`, end: `${String(index + 1).padStart(2, "0")}:00` })) }, "hours"],
      [{ ...ASTRONOMER, hours: [] }, "hours"],
      [{ ...ASTRONOMER, subjects: Array.from({ length: 13 }, (_, index) => `Subject ${index}`) }, "subjects"],
      [{ ...ASTRONOMER, subjects: [] }, "subjects"],
      [{ ...ASTRONOMER, subjects: ["x".repeat(61)] }, "subjects.0"],
      [{ ...ASTRONOMER, name: "   " }, "name"],
      [{ ...ASTRONOMER, name: "x".repeat(81) }, "name"],
      [{ ...ASTRONOMER, bio: "x".repeat(501) }, "bio"],
      [{ ...ASTRONOMER, mode: "telepathy" }, "mode"],
      [{ ...ASTRONOMER, hours: "monday 10-12" }, "hours"],
      [{ ...ASTRONOMER, subjects: "Astronomy" }, "subjects"],
      [{ ...ASTRONOMER, retiredAt: null }, ""],
      [null, ""],
    ];
    for (const [body, path] of invalid) {
      for (const result of [await sidecar.staffCreateTutor(token, body as TutorInputDraft), await sidecar.staffUpdateTutor(token, "t-001", body as TutorInputDraft)]) {
        expect(result, JSON.stringify(body)).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
        if (!result.ok) expect(result.error.issues?.map((issue) => issue.path), JSON.stringify(body)).toContain(path);
      }
    }
    expect(await catalogRows()).toEqual(before);
  });

  it("stores a subject once however it is spelled, and keeps the hours in week order", async () => {
    const token = await staffToken("staff");
    const { tutor } = unwrapOk(
      await sidecar.staffCreateTutor(token, {
        ...ASTRONOMER,
        subjects: [" Calculus  II", "calculus ii", "CALCULUS II", "Physics"],
        hours: hours2([["friday", "09:00", "10:00"], ["monday", "13:00", "15:00"], ["monday", "09:00", "11:00"]]),
      }),
    );
    expect(tutor.subjects.sort()).toEqual(["Calculus  II", "Physics"]);
    expect(tutor.availability.map((range) => `${range.day} ${range.start}`)).toEqual(["monday 09:00", "monday 13:00", "friday 09:00"]);
  });

  it("lets a tutor-role member look but not change anything, and refuses strangers and unknown ids", async () => {
    const tutorToken = await staffToken("tutor");
    const staff = await staffToken("staff");
    const before = await catalogRows();
    const list = unwrapOk(await sidecar.staffTutors(tutorToken));
    expect(list.canEdit).toBe(false);
    expect(list.tutors.map((tutor) => tutor.id)).toContain("t-001");
    expect(unwrapOk(await sidecar.staffTutor(tutorToken, "t-001")).canEdit).toBe(false);
    for (const refused of [
      await sidecar.staffCreateTutor(tutorToken, ASTRONOMER),
      await sidecar.staffUpdateTutor(tutorToken, "t-001", ASTRONOMER),
      await sidecar.staffRetireTutor(tutorToken, "t-001"),
    ]) {
      expect(refused).toMatchObject({ ok: false, error: { code: "forbidden:staff" } });
    }
    for (const stranger of ["", "A".repeat(43)]) {
      expect(await sidecar.staffTutors(stranger)).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
      expect(await sidecar.staffRetireTutor(stranger, "t-001")).toMatchObject({ ok: false, error: { code: "unauthorized:staff" } });
    }
    for (const unknown of ["t-nobody", "../t-001", "T-001", ""]) {
      expect(await sidecar.staffTutor(staff, unknown)).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
      expect(await sidecar.staffUpdateTutor(staff, unknown, ASTRONOMER)).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
      expect(await sidecar.staffRetireTutor(staff, unknown)).toMatchObject({ ok: false, error: { code: "not_found:tutor" } });
    }
    expect(await catalogRows()).toEqual(before);
  });

  it("keeps what staff changed when the seed runs again (npm run setup), and still refreshes untouched seed tutors", async () => {
    const token = await staffToken("staff");
    const hiroshi = unwrapOk(await sidecar.staffTutor(token, "t-006")).tutor;
    const newHours = [{ day: "wednesday" as const, start: "20:00", end: "22:00" }];
    unwrapOk(await sidecar.staffUpdateTutor(token, "t-006", { name: hiroshi.name, bio: hiroshi.bio, mode: hiroshi.mode, subjects: ["Japanese"], hours: newHours }));
    unwrapOk(await sidecar.staffRetireTutor(token, "t-008"));
    await env.DB.prepare("UPDATE tutors SET name = 'Someone Else' WHERE id = 't-001'").run();

    await seedCatalog();
    expect(unwrapOk(await sidecar.staffTutor(token, "t-006")).tutor).toMatchObject({ subjects: ["Japanese"], availability: newHours });
    expect(unwrapOk(await sidecar.staffTutor(token, "t-008")).tutor.retiredAt).toEqual(expect.any(Number));
    expect(unwrapOk(await sidecar.staffTutor(token, "t-001")).tutor.name).toBe("Maya Chen");
  });

  it("reads the subject list once per catalog change: one row per message while nothing changes (the cost in docs/staff.md)", async () => {
    const counts = { statements: 0, rowsRead: 0, rowsWritten: 0 };
    const metered = drizzleMetered(env.DB, counts);
    const taught = await env.DB
      .prepare("SELECT (SELECT COUNT(*) FROM tutors WHERE center_id = 'main' AND retired_at IS NULL) AS tutors, (SELECT COUNT(*) FROM tutor_subjects s JOIN tutors t ON t.id = s.tutor_id WHERE t.center_id = 'main' AND t.retired_at IS NULL) AS subjects")
      .first<{ tutors: number; subjects: number }>();
    expect(await createD1Catalog(metered, { center: FIRST_CENTER }).subjects()).toContain("Python");
    // The version row, then the center's teaching tutors (a range of tutors_by_center: each entry and its row) and each one's
    // subject rows, where every subject row and its tutor's row were read before there were centers. SQLite may read one
    // index entry past the range to find its end (whether one follows depends on the rows other tests left): at most 1 more.
    const listed = 1 + 2 * taught!.tutors + taught!.subjects;
    expect({ statements: counts.statements, rowsWritten: counts.rowsWritten }).toEqual({ statements: 2, rowsWritten: 0 });
    expect(counts.rowsRead).toBeGreaterThanOrEqual(listed);
    expect(counts.rowsRead).toBeLessThanOrEqual(listed + 1);

    // The next message (a new catalog object, as each turn makes one): the version only.
    Object.assign(counts, { statements: 0, rowsRead: 0 });
    expect(await createD1Catalog(metered, { center: FIRST_CENTER }).subjects()).toContain("Python");
    expect(counts).toEqual({ statements: 1, rowsRead: 1, rowsWritten: 0 });

    // A staff edit anywhere (here, straight SQL) moves the version by trigger: the list is read again and has it.
    await env.DB.prepare("INSERT INTO tutor_subjects (tutor_id, subject, subject_key) VALUES ('t-001', 'Origami Basics', 'origami basics')").run();
    expect(await createD1Catalog(metered, { center: FIRST_CENTER }).subjects()).toContain("Origami Basics");
    await env.DB.prepare("DELETE FROM tutor_subjects WHERE subject_key = 'origami basics'").run();
    expect(await createD1Catalog(metered, { center: FIRST_CENTER }).subjects()).not.toContain("Origami Basics");
  });

  it("reads the tutors' names with the subjects' version: no extra row per message, and a rename is seen at once", async () => {
    const counts = { statements: 0, rowsRead: 0, rowsWritten: 0 };
    const metered = drizzleMetered(env.DB, counts);
    const first = createD1Catalog(metered, { center: FIRST_CENTER });
    await first.subjects();
    expect(await first.tutorNames?.()).toContain("Maya Chen");
    // The next message: one version row for both lists.
    Object.assign(counts, { statements: 0, rowsRead: 0 });
    const next = createD1Catalog(metered, { center: FIRST_CENTER });
    await next.subjects();
    await next.tutorNames?.();
    expect(counts).toEqual({ statements: 1, rowsRead: 1, rowsWritten: 0 });
    await env.DB.prepare("UPDATE tutors SET name = 'Maya Chen-Li' WHERE id = 't-001'").run();
    expect(await createD1Catalog(metered, { center: FIRST_CENTER }).tutorNames?.()).toContain("Maya Chen-Li");
    await env.DB.prepare("UPDATE tutors SET name = 'Maya Chen' WHERE id = 't-001'").run();
  });
});

/**
 * A D1 binding for drizzle (which reads through `raw()`) that sums what D1 reports per statement,
 * like staff-helpers' meteredD1 does for plain statements.
 */
function drizzleMetered(db: D1Database, counts: { statements: number; rowsRead: number; rowsWritten: number }): D1Database {
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    ({
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: async <T,>() => {
        const result = await statement.all<T>();
        counts.statements += 1;
        counts.rowsRead += result.meta.rows_read;
        counts.rowsWritten += result.meta.rows_written;
        return result.results[0] ?? null;
      },
      raw: async () => {
        const result = await statement.all<Record<string, unknown>>();
        counts.statements += 1;
        counts.rowsRead += result.meta.rows_read;
        counts.rowsWritten += result.meta.rows_written;
        return result.results.map((row) => Object.values(row));
      },
    }) as unknown as D1PreparedStatement;
  return { prepare: (query: string) => wrap(db.prepare(query)) } as unknown as D1Database;
}

function hours2(ranges: [string, string, string][]) {
  return ranges.map(([day, start, end]) => ({ day, start, end })) as TutorInputDraft["hours"];
}
