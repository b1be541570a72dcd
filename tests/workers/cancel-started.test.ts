import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { localNow, toClock } from "../../lib/calendar";
import { FakeAuthenticator } from "../fakes/authenticator";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { enrolled, sidecar } from "./staff-helpers";

/**
 * A session that has started can no longer be cancelled, on every path: the student's chat, My
 * bookings, and the staff schedule (staff mark attendance instead). Each refusal changes nothing.
 */

/** A student books through the chat (Python, Monday at 10, online), the way every booking is made. */
async function bookInChat() {
  const sessionId = newSessionId();
  const ownerId = newOwnerId();
  const say = async (content: string) => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state;
  await say("I need help with Python on Monday at 10");
  await say("Book this tutor");
  await say("yes");
  await say(`Ada Lovelace, ada-${crypto.randomUUID().slice(0, 8)}@example.com`);
  await say("Online. Recursion");
  const state = await say("Confirm booking");
  expect(state.bookingInfo?.step).toBe("confirmed");
  return { sessionId, ownerId, say, bookingId: state.bookingInfo!.bookingId! };
}

/**
 * Moves the booking so that it began `minutes` ago at the center (and runs an hour): the clock has
 * reached it. Each test uses its own offset, so two moved bookings never share a tutor's slot.
 */
async function startedAgo(bookingId: string, minutes: number) {
  const zone = (await env.DB.prepare("SELECT time_zone AS zone FROM center_settings WHERE id = 1").first<{ zone: string }>())!.zone;
  const begun = localNow(new Date(Date.now() - minutes * 60_000), zone);
  const end = toClock(Math.min(begun.minutes + 60, 24 * 60 - 1));
  await env.DB.prepare(`UPDATE bookings SET date = ?2, start = ?3, "end" = ?4 WHERE id = ?1`).bind(bookingId, begun.date, toClock(begun.minutes), end).run();
}

async function bookingRow(id: string) {
  return env.DB.prepare("SELECT status, cancelled_by AS cancelledBy, late_cancel AS lateCancel, updated_at AS updatedAt FROM bookings WHERE id = ?")
    .bind(id)
    .first<{ status: string; cancelledBy: string | null; lateCancel: number; updatedAt: number }>();
}

describe("a cancel after the session has started", () => {
  beforeAll(seedCatalog);

  it("is refused on My bookings with 409 already_started, and the booking stays confirmed", async () => {
    const { ownerId, bookingId } = await bookInChat();
    await startedAgo(bookingId, 7);
    const before = await bookingRow(bookingId);

    const refused = await sidecar.cancelBooking(ownerId, bookingId);
    expect(refused).toMatchObject({ ok: false, error: { code: "already_started:booking", message: expect.stringMatching(/^This session has already started/) } });
    if (refused.ok) throw new Error("unreachable");
    const http = AppError.fromWire(refused.error).toResponse();
    expect(http.status).toBe(409);
    expect(await http.json()).toMatchObject({ error: { code: "already_started" } });
    expect(await bookingRow(bookingId)).toEqual(before);
  });

  it("is refused in the chat: the assistant says it has started, and the booking stays confirmed", async () => {
    const { say, bookingId } = await bookInChat();
    await startedAgo(bookingId, 13);
    const before = await bookingRow(bookingId);

    // The chat's copy of the slot still says "later" (the row was moved back in time here), so the
    // question is asked; the yes meets the database's check, which refuses.
    expect((await say("cancel my booking")).bookingInfo?.cancelAsked).toBe(true);
    const state = await say("yes");
    expect(state.messages.at(-1)?.content).toMatch(/^This session has already started/);
    expect(state.bookingInfo?.step).toBe("confirmed");
    expect(await bookingRow(bookingId)).toEqual(before);
  });

  it("is refused on the staff schedule: staff mark attendance instead, and the booking stays confirmed", async () => {
    const { bookingId } = await bookInChat();
    await startedAgo(bookingId, 19);
    const before = await bookingRow(bookingId);
    const staff = (await enrolled(await FakeAuthenticator.create(), "staff")).session.token;

    const refused = await sidecar.staffScheduleCancel(staff, { bookingId, reason: "Tutor is ill" });
    expect(refused).toMatchObject({ ok: false, error: { code: "already_started:booking", message: expect.stringMatching(/^This session has already started.*attendance/) } });
    expect(await bookingRow(bookingId)).toEqual(before);
    // What staff do instead still works.
    expect(unwrapOk(await sidecar.staffScheduleAttendance(staff, { bookingId, attendance: "no_show" }))).toEqual({ bookingId, attendance: "no_show" });
  });

  it("is still allowed five minutes before the start (late, inside the cutoff)", async () => {
    const { ownerId, bookingId } = await bookInChat();
    await startedAgo(bookingId, -5);
    expect(unwrapOk(await sidecar.cancelBooking(ownerId, bookingId))).toMatchObject({ status: "cancelled", lateCancel: true });
  });
});
