import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { MailOutbox } from "../../durable-objects/mail-outbox";
import { sha256Hex } from "../../lib/ids";
import type { ChatState } from "../../lib/schemas";
import { QUICK } from "../../lib/tutoring/commands";
import { waitlistName } from "../../lib/tutoring/waitlist";
import { hardDeleteOwnerChats } from "../../services/hard-delete";
import { MemoryPage } from "../../workers/memory-page";
import { createFakeMailApi } from "../fakes/mail-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk, verifiedAddresses } from "./helpers";
import { learned, sidecar } from "./memory-helpers";
import { meteredD1 } from "./staff-helpers";

/**
 * "Forget me" deletes everything the student's owner id holds that is not the center's record of a
 * booking: the bell, their places in waitlists, the bodies and addresses of their booking emails,
 * their profile, memory and chats. It rotates the owner id (the old one is refused from then on),
 * moves upcoming sessions to the new id (nothing is cancelled), and may be retried.
 */

type Chat = { sessionId: string; say: (content: string) => Promise<ChatState> };

function chatOf(ownerId: string): Chat {
  const sessionId = newSessionId();
  return { sessionId, say: async (content) => unwrapOk(await sidecar.sendMessage(sessionId, ownerId, { content })).state };
}

/** Walks the owner's new chat to the booking form's review for the first tutor the request finds. */
async function toReview(ownerId: string, request: string, contact = "Ada Lovelace, ada@example.edu"): Promise<Chat & { state: ChatState }> {
  const chat = chatOf(ownerId);
  await chat.say(request);
  let state = await chat.say(QUICK.book);
  for (let turn = 0; turn < 6 && state.bookingInfo?.step !== "review"; turn++) {
    const info = state.bookingInfo;
    const last = state.messages.at(-1)?.content ?? "";
    if (info?.step === "confirm_slot") state = await chat.say("yes");
    else if (info?.step === "contact") state = await chat.say(/Book as/.test(last) ? "yes" : contact);
    else if (info?.step === "details") state = await chat.say(info.mode ? "Recursion" : "Online. Recursion");
    else throw new Error(`unexpected step ${info?.step}: ${last}`);
  }
  expect(state.bookingInfo?.step).toBe("review");
  return { ...chat, state };
}

async function book(ownerId: string, request: string, contact?: string) {
  const chat = await toReview(ownerId, request, contact);
  const state = await chat.say(QUICK.confirm);
  expect(state.bookingInfo?.step).toBe("confirmed");
  return { ...chat, bookingId: state.bookingInfo!.bookingId! };
}

/** Someone else books the slot the owner is about to confirm; the owner joins its waitlist. */
async function waitInLine(ownerId: string, request: string) {
  const mine = await toReview(ownerId, request);
  await book(newOwnerId(), request, `Grace Hopper, grace-${crypto.randomUUID().slice(0, 8)}@example.edu`);
  expect((await mine.say(QUICK.confirm)).messages.at(-1)?.quickReplies).toContain(QUICK.joinWaitlist);
  expect((await mine.say(QUICK.joinWaitlist)).messages.at(-1)?.content).toMatch(/waitlist/i);
  const { tutorId, slot } = mine.state.bookingInfo!;
  return env.WAITLIST.get(env.WAITLIST.idFromName(waitlistName({ tutorId, date: slot.date, start: slot.start })));
}

function outbox(bookingId: string) {
  return env.MAIL_OUTBOX.get(env.MAIL_OUTBOX.idFromName(bookingId));
}

/** The outbox's rows as stored: status and the message body (JSON with the address, or blank). */
function storedMail(bookingId: string) {
  return runInDurableObject(outbox(bookingId), (_: MailOutbox, state) =>
    state.storage.sql
      .exec<{ key: string; kind: string; status: string; message: string; last_error: string | null; provider_id: string | null; created_at: number }>(
        "SELECT key, kind, status, message, last_error, provider_id, created_at FROM mail ORDER BY key",
      )
      .toArray(),
  );
}

async function mailSent(bookingId: string, kinds: number) {
  await vi.waitFor(
    async () => {
      const rows = (await storedMail(bookingId)).filter((row) => row.kind !== "reminder");
      if (rows.length < kinds || rows.some((row) => row.status === "pending")) throw new Error("not sent yet");
    },
    { timeout: 10_000, interval: 20 },
  );
}

async function ownerOf(bookingId: string) {
  return (await env.DB.prepare("SELECT owner_id AS ownerId, status, student_email AS email FROM bookings WHERE id = ?").bind(bookingId).first<{ ownerId: string; status: string; email: string }>())!;
}

async function profileRows(ownerId: string) {
  return (await env.DB.prepare("SELECT COUNT(*) AS count FROM profiles WHERE owner_id = ?").bind(ownerId).first<{ count: number }>())!.count;
}

/** A student with everything Forget me must find: two bookings (one cancelled), a waitlist place, the bell, a profile, memory. */
async function studentWithHistory() {
  const ownerId = newOwnerId();
  const upcoming = await book(ownerId, "I need help with Python on Monday at 10");
  const cancelled = await book(ownerId, "I need help with Python on Friday at 10");
  unwrapOk(await sidecar.cancelBooking(ownerId, cancelled.bookingId));
  const line = await waitInLine(ownerId, "I need help with Python on Wednesday at 10");
  unwrapOk(await sidecar.setNotificationPreferences(ownerId, { changeEmails: true, reminders: true, reminderHoursOff: [1] }));
  await Promise.all([mailSent(upcoming.bookingId, 1), mailSent(cancelled.bookingId, 2), learned(ownerId, "email")]);
  return { ownerId, upcoming, cancelled, line };
}

beforeAll(async () => {
  await seedCatalog();
  // The students' address is confirmed by its owner, so their bookings' emails are queued to go (lib/mail/recipients.ts).
  await verifiedAddresses("ada@example.edu");
});
beforeEach(() => {
  vi.stubGlobal("fetch", createFakeMailApi().fetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("Forget me", () => {
  it("deletes the bell, the waitlist place, the mail bodies and the profile; the bookings stay, upcoming ones with the new owner id", async () => {
    const { ownerId, upcoming, cancelled, line } = await studentWithHistory();
    expect(unwrapOk(await sidecar.notifications(ownerId)).notifications.map((note) => note.title)).toContain("Session booked");
    expect((await line.entries()).map((entry) => entry.ownerId)).toContain(ownerId);
    expect(await profileRows(ownerId)).toBe(1);

    const forgot = unwrapOk(await sidecar.forgetMe(ownerId));
    expect(forgot).toMatchObject({
      repeated: false,
      chats: { deleted: 3, failed: 0 },
      notifications: expect.any(Number),
      waitlists: 1,
      mail: 2,
      bookings: { upcoming: 1, kept: 1 },
    });
    expect(forgot.facts).toBeGreaterThan(0);
    expect(forgot.notifications).toBeGreaterThanOrEqual(3);
    const successor = forgot.newOwnerId;
    expect(successor).toMatch(/^owner-[0-9a-f]+$/);
    expect(successor).not.toBe(ownerId);

    // The bell: nothing listed for the old id, nothing stored.
    expect(unwrapOk(await sidecar.notifications(ownerId)).notifications).toEqual([]);
    // The waitlist: the entry (name, email) is gone.
    expect((await line.entries()).map((entry) => entry.ownerId)).not.toContain(ownerId);
    // The profile.
    expect(await profileRows(ownerId)).toBe(0);
    // Mail: the cancelled booking keeps only its record (key, kind, status, times); no body, address or error.
    const past = await storedMail(cancelled.bookingId);
    expect(past.length).toBeGreaterThan(0);
    for (const row of past) expect(row).toMatchObject({ message: "", last_error: null, provider_id: null });
    expect(past.map((row) => row.status)).toContain("sent");
    // The upcoming one: its reminders still to be sent keep their body; what was sent keeps no body.
    const ahead = await storedMail(upcoming.bookingId);
    for (const row of ahead) {
      if (row.status === "pending") expect(row.message).toContain("ada@example.edu");
      else expect(row.message).toBe("");
    }
    expect(ahead.some((row) => row.status === "pending" && row.kind === "reminder")).toBe(true);
    // Bookings: the center's record stays; the upcoming session is still booked and now listed for the new id only.
    expect(await ownerOf(upcoming.bookingId)).toEqual({ ownerId: successor, status: "confirmed", email: "ada@example.edu" });
    const kept = await ownerOf(cancelled.bookingId);
    expect(kept).toMatchObject({ status: "cancelled", email: "ada@example.edu" });
    expect(kept.ownerId).not.toBe(ownerId);
    expect(unwrapOk(await sidecar.listBookings(ownerId))).toEqual([]);
    expect(unwrapOk(await sidecar.listBookings(successor)).map((booking) => booking.id)).toEqual([upcoming.bookingId]);
    // The old id is kept nowhere: only its hash, to refuse it.
    const stored = await env.DB.prepare("SELECT owner_hash AS hash FROM forgotten_owners WHERE owner_hash = ?").bind(await sha256Hex(ownerId)).first();
    expect(stored).not.toBeNull();
    for (const table of ["bookings", "chats", "profiles", "waitlist_joins", "staff_messages"]) {
      const { count } = (await env.DB.prepare(`SELECT COUNT(*) AS count FROM ${table} WHERE owner_id = ?`).bind(ownerId).first<{ count: number }>())!;
      expect(count, table).toBe(0);
    }
  });

  it("refuses the old owner id afterwards: no new chat, no preferences saved; the new id starts afresh", async () => {
    const ownerId = newOwnerId();
    await book(ownerId, "I need help with Python on Monday at 11");
    const { newOwnerId: successor } = unwrapOk(await sidecar.forgetMe(ownerId));

    expect(await sidecar.sendMessage(newSessionId(), ownerId, { content: "hi" })).toMatchObject({ ok: false, error: { code: "gone:owner" } });
    expect(await sidecar.setNotificationPreferences(ownerId, { changeEmails: false, reminders: true, reminderHoursOff: [] })).toMatchObject({
      ok: false,
      error: { code: "gone:owner" },
    });
    expect(await profileRows(ownerId)).toBe(0);
    const { count } = (await env.DB.prepare("SELECT COUNT(*) AS count FROM chats WHERE owner_id = ?").bind(ownerId).first<{ count: number }>())!;
    expect(count).toBe(0);

    const fresh = chatOf(successor);
    const state = await fresh.say("hi");
    expect(state.messages.at(-1)?.content).not.toContain("Welcome back");
  });

  it("may be retried: the same new owner id, nothing more deleted, the bookings where the first run left them", async () => {
    const { ownerId, upcoming, cancelled } = await studentWithHistory();
    const first = unwrapOk(await sidecar.forgetMe(ownerId));
    const owners = [await ownerOf(upcoming.bookingId), await ownerOf(cancelled.bookingId)];
    const mail = await storedMail(cancelled.bookingId);

    const again = unwrapOk(await sidecar.forgetMe(ownerId));
    expect(again).toEqual({
      repeated: true,
      newOwnerId: first.newOwnerId,
      facts: 0,
      chats: { deleted: 0, cleaned: 0, failed: 0 },
      notifications: 0,
      waitlists: 0,
      mail: 0,
      bookings: { upcoming: 0, kept: 0 },
    });
    expect([await ownerOf(upcoming.bookingId), await ownerOf(cancelled.bookingId)]).toEqual(owners);
    expect(await storedMail(cancelled.bookingId)).toEqual(mail);
  });

  it("costs, for a student with 3 chats, 2 bookings (1 upcoming) and 1 waitlist place: D1 rows and DO rows written, asserted", async () => {
    const { ownerId, upcoming, cancelled, line } = await studentWithHistory();
    const metered = meteredD1(env.DB);
    const meteredEnv = { ...env, DB: metered.db };
    // The chats' part is the weekly hard delete's own (docs/lifecycle.md, "Weekly hard delete"): measured apart.
    await hardDeleteOwnerChats(meteredEnv, ownerId, Date.now());
    const chats = { ...metered.counts };
    metered.reset();
    const rows = async () => ({
      mail: [await outbox(upcoming.bookingId).rowCounts(), await outbox(cancelled.bookingId).rowCounts()],
      bell: await env.NOTIFICATIONS.get(env.NOTIFICATIONS.idFromName(ownerId)).rowCounts(),
      line: await line.rowCounts(),
    });
    const before = await rows();
    // Each row already sent (or superseded) loses its body: one row written each; rows still to be sent are left alone or marked.
    const toErase = await Promise.all([upcoming.bookingId, cancelled.bookingId].map(async (id) => (await storedMail(id)).filter((row) => row.status !== "pending").length));
    const pendingOfCancelled = (await storedMail(cancelled.bookingId)).filter((row) => row.status === "pending").length;
    unwrapOk(await new MemoryPage(meteredEnv).forgetMe(ownerId));
    const after = await rows();
    // The chats, as the weekly run deletes them: per round one SELECT, one batch, the cleanups cleared (12 rows for 3 chats).
    expect(chats).toMatchObject({ statements: 8, rowsWritten: 12 });
    // The rest: the tombstone 1, the waitlist index 1, each booking's row and its bookings_by_owner entry 2 × 2, the profile 1
    // (the memory's own version bump writes the profile once more before it goes: 1, from the memory object);
    // and the one batch that would delete a student account with the id (4 statements; none here, so 0 rows).
    expect(metered.counts).toMatchObject({ statements: 14, rowsWritten: 7 });
    const written = (a: { writes: number }, b: { writes: number }) => b.writes - a.writes;
    // Mail: the upcoming session's sent confirmation erased (its reminders still to go keep their body); every row of the cancelled one's.
    expect(toErase[0]).toBeGreaterThan(0);
    expect(pendingOfCancelled).toBe(0);
    expect(after.mail.map((counts, index) => written(before.mail[index]!, counts))).toEqual(toErase);
    // The bell: deleteAll (no SQL rows; nothing left stored). The line: the entry deleted.
    expect(written(before.bell, after.bell)).toBe(0);
    expect(written(before.line, after.line)).toBe(1);

    // A retry writes nothing anywhere.
    metered.reset();
    unwrapOk(await new MemoryPage(meteredEnv).forgetMe(ownerId));
    expect(metered.counts.rowsWritten).toBe(0);
    const again = await rows();
    expect([...again.mail, again.bell, again.line].map((counts, index) => written([...after.mail, after.bell, after.line][index]!, counts))).toEqual([0, 0, 0, 0]);
  });

});
