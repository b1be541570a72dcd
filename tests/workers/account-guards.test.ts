import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_TIME_ZONE, zonedToEpoch } from "../../lib/calendar";
import type { Result } from "../../lib/errors";
import type { SignedIn } from "../../lib/accounts/schemas";
import { socketPath } from "../../lib/socket-protocol";
import { studentMemory } from "../../services/objects";
import SidecarEntrypoint from "../../workers/sidecar";
import { createFakeMailApi, type FakeMailApi } from "../fakes/mail-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { centerWithMainsCatalog } from "./center-helpers";
import { FIRST_CENTER } from "../../lib/center/ids";
import { bookPython, say } from "./memory-helpers";
import { sidecar } from "./staff-helpers";

/**
 * Two signed-in students, A and B, each with a chat (and one in the trash), a booking, memory and a
 * bell. Every sidecar method that takes an owner id or an account session is called with A's
 * credentials aimed at B's ids: each answer holds nothing of B's, and nothing of B's changed. A
 * signed-out session is refused by every method that takes one; a sign-in link signs in only the
 * address it was minted for, once. (The web routes, with forged account cookies: e2e/account-guards.spec.ts.)
 * A new method taking an owner id or an account session belongs in GUARDED.
 */

const DAY = "2032-03-03"; // a Wednesday: "Monday at 10" is free for both students.
const unique = () => crypto.randomUUID().slice(0, 8);
/** Letters only: the assistant reads a name with digits as no name. */
const letters = () => [...crypto.getRandomValues(new Uint8Array(6))].map((byte) => String.fromCharCode(97 + (byte % 26))).join("");

interface Student {
  signedIn: SignedIn;
  email: string;
  name: string;
  /** A phrase only this student said. */
  secret: string;
  chat: string;
  trashed: string;
  bookingId: string;
  factId: string;
  replyId: string;
  noteIds: string[];
}

const A = {} as Student;
const B = {} as Student;
/** A student of another center ("math", with a copy of main's catalog): everything of theirs is math's. */
const M = {} as Student;
const MATH = "math";
/** A second device of A's account, signed out before the tests; and a spare account for the calls that end an account. */
const spent = {} as { signedOut: SignedIn; forgotten: SignedIn; everywhere: SignedIn };

let fake: FakeMailApi;

/** The newest link mailed to `email`; a quarter hour passes first, so an address may ask as often as the tests need (3 per 15 minutes). */
async function mailedToken(email: string, center: string = FIRST_CENTER): Promise<string> {
  vi.setSystemTime(Date.now() + 15 * 60_000);
  unwrapOk(await sidecar.requestSignInLink({ email }, newOwnerId(center)));
  const mail = fake.requests.filter((request) => request.body.to.includes(email.toLowerCase()) && request.body.subject.startsWith("Your sign-in link")).at(-1);
  const url = mail && /(https?:\/\/\S+\/account\/link\?token=\S+)/.exec(mail.body.text)?.[1];
  if (!url) throw new Error(`no sign-in link mailed to ${email}`);
  return new URL(url).searchParams.get("token")!;
}

/** Signed in from a device of `center` (its owner id names it): the address's account there. */
async function signIn(email: string, center: string = FIRST_CENTER): Promise<SignedIn> {
  return unwrapOk(await sidecar.redeemSignInLink(await mailedToken(email, center), newOwnerId(center), "Firefox on Linux"));
}

/** A signed-in student holding a chat with a booking, a chat in the trash, a remembered name and the booking's bell note. */
async function student(into: Student, letter: string, center: string = FIRST_CENTER) {
  into.email = `${letter.toLowerCase()}-${unique()}@example.edu`;
  into.signedIn = await signIn(into.email, center);
  const owner = into.signedIn.ownerId;
  into.name = `${letter}${letters()} Noether`;
  const { sessionId, booking } = await bookPython(owner, into.name, into.email);
  into.chat = sessionId;
  into.bookingId = booking.bookingId!;
  into.trashed = newSessionId();
  into.secret = `${letter}-secret-${unique()}`;
  await say(into.trashed, owner, `I need help with Python, ${into.secret}`);
  unwrapOk(await sidecar.deleteChat(into.trashed, owner));
  unwrapOk(await studentMemory(env, owner).learn(owner, [{ kind: "goal", value: `pass ${into.secret}`, source: { type: "student_edit" }, confidence: 1 }], Date.now()));
  into.factId = unwrapOk(await sidecar.memoryFacts(owner)).facts.find((fact) => fact.value.includes(into.secret))!.id;
  const state = unwrapOk(await sidecar.getState(into.chat, owner));
  into.replyId = state.messages.find((message) => message.role === "assistant")!.id;
  into.noteIds = unwrapOk(await sidecar.notifications(owner)).notifications.map((note) => note.id);
  expect(into.noteIds.length).toBeGreaterThan(0);
}

/** Everything of B's that must never appear in an answer to A's credentials. */
function secretsOf(who: Student): string[] {
  return [who.signedIn.ownerId, who.signedIn.sessionId, who.email, who.name, who.secret, who.chat, who.trashed, who.bookingId, who.factId, who.replyId, ...who.noteIds];
}

/** What B holds, as B sees it and as D1 keeps it: a refused call must leave every line as it was. */
async function stateOf(who: Student) {
  const owner = who.signedIn.ownerId;
  return {
    chats: unwrapOk(await sidecar.listChats(owner, false)),
    trash: unwrapOk(await sidecar.listChats(owner, true)),
    chat: unwrapOk(await sidecar.getState(who.chat, owner)),
    messages: unwrapOk(await sidecar.listMessages(who.chat, owner, { limit: 50 })),
    bookings: unwrapOk(await sidecar.listBookings(owner)),
    memory: unwrapOk(await sidecar.memoryFacts(owner)),
    bell: unwrapOk(await sidecar.notifications(owner)),
    preferences: unwrapOk(await sidecar.notificationPreferences(owner)),
    session: unwrapOk(await sidecar.checkAccountSession(who.signedIn.sessionId)),
    devices: unwrapOk(await sidecar.accountOverview(who.signedIn.sessionId)).devices.map(({ id }) => id),
    rows: await env.DB.prepare(
      `SELECT (SELECT group_concat(id || status, ',') FROM bookings WHERE owner_id = ?1) AS bookings,
              (SELECT group_concat(id || COALESCE(deleted_at, ''), ',') FROM chats WHERE owner_id = ?1) AS chats,
              (SELECT group_concat(id || COALESCE(signed_out_at, ''), ',') FROM account_sessions WHERE account_id = (SELECT id FROM accounts WHERE owner_id = ?1)) AS sessions`,
    ).bind(owner).first(),
  };
}

/** A method's answer, or (for the chat socket) the socket route's refusal in the same shape. */
type Answer = Result<unknown> | { ok: false; error: { code: string } };
type Call = (me: SignedIn, them: Student) => Promise<Answer | Answer[]>;

/**
 * Each method with A's credentials aimed at B's ids. `refused`: the error code every answer must carry;
 * absent where the call is A's own and must succeed holding nothing of B's.
 */
const GUARDED: { name: string; refused?: string; call: Call }[] = [
  { name: "getState", refused: "not_found:session", call: (me, them) => sidecar.getState(them.chat, me.ownerId) },
  { name: "listMessages", refused: "not_found:session", call: (me, them) => sidecar.listMessages(them.chat, me.ownerId, { limit: 50 }) },
  { name: "sendMessage", refused: "not_found:session", call: (me, them) => sidecar.sendMessage(them.chat, me.ownerId, { content: "Cancel my booking" }) },
  { name: "patchState", refused: "not_found:session", call: (me, them) => sidecar.patchState(them.chat, me.ownerId, { bookingInfo: null }) },
  // A ticket is minted with no object call (by design); the chat's object refuses it when the socket arrives.
  { name: "issueSocketTicket", refused: "not_found", call: (me, them) => openChatSocket(them.chat, me.ownerId) },
  { name: "rateReply", refused: "not_found:session", call: (me, them) => sidecar.rateReply(them.chat, me.ownerId, them.replyId, "down") },
  { name: "deleteChat", refused: "not_found:chat", call: (me, them) => sidecar.deleteChat(them.chat, me.ownerId) },
  { name: "restoreChat", refused: "not_found:chat", call: (me, them) => sidecar.restoreChat(them.trashed, me.ownerId) },
  { name: "listChats", call: async (me) => [await sidecar.listChats(me.ownerId, false), await sidecar.listChats(me.ownerId, true)] },
  { name: "listBookings", call: (me) => sidecar.listBookings(me.ownerId) },
  { name: "cancelBooking", refused: "not_found:booking", call: (me, them) => sidecar.cancelBooking(me.ownerId, them.bookingId) },
  { name: "memoryFacts", call: (me) => sidecar.memoryFacts(me.ownerId) },
  { name: "memoryForget", refused: "not_found:memory", call: (me, them) => sidecar.memoryForget(me.ownerId, them.factId) },
  { name: "memoryCorrect", refused: "not_found:memory", call: (me, them) => sidecar.memoryCorrect(me.ownerId, them.factId, "fail everything") },
  // Ends the account it is called for: the spare one's, never A's (the later rows need A).
  { name: "forgetMe", call: () => sidecar.forgetMe(spent.forgotten.ownerId) },
  { name: "notifications", call: (me) => sidecar.notifications(me.ownerId) },
  { name: "notificationCount", call: (me) => sidecar.notificationCount(me.ownerId) },
  { name: "markNotificationsRead", refused: "not_found:notification", call: (me, them) => sidecar.markNotificationsRead(me.ownerId, { ids: them.noteIds }) },
  { name: "notificationSocketTicket", call: (me) => sidecar.notificationSocketTicket(me.ownerId) },
  { name: "notificationPreferences", call: (me) => sidecar.notificationPreferences(me.ownerId) },
  { name: "setNotificationPreferences", call: (me) => sidecar.setNotificationPreferences(me.ownerId, { changeEmails: false, reminders: false, reminderHoursOff: [] }) },
  { name: "reminderPreference", call: (me) => sidecar.reminderPreference(me.ownerId) },
  { name: "setReminderPreference", call: (me) => sidecar.setReminderPreference(me.ownerId, { remindersOff: true }) },
  { name: "exportMyData", call: (me) => sidecar.exportMyData(me.ownerId) },
  // The asking device's owner names only the center whose account the link is for: the answer is the same sentence for every address.
  { name: "requestSignInLink", call: (_me, them) => sidecar.requestSignInLink({ email: them.email }, them.signedIn.ownerId) },
  // B's owner id as the signing-in device's: a link for A's address signs in A, and the merge refuses an account's own owner.
  { name: "redeemSignInLink", call: async (_me, them) => sidecar.redeemSignInLink(await mailedToken(A.email), them.signedIn.ownerId, "x") },
  { name: "ssoFinish", refused: "not_found:route", call: (_me, them) => sidecar.ssoFinish("https://tutoring.example/api/account/sso/callback?code=x&state=y", "forged", them.signedIn.ownerId, "x") },
  { name: "checkAccountSession", call: (me) => sidecar.checkAccountSession(me.sessionId) },
  { name: "accountOverview", call: (me) => sidecar.accountOverview(me.sessionId) },
  {
    name: "signOutAccount",
    refused: "not_found:route",
    call: async (me, them) => [await sidecar.signOutAccount(me.sessionId, { device: them.signedIn.sessionId }), await sidecar.signOutAccount(me.sessionId, { device: `as-${"0".repeat(32)}` })],
  },
];

/** A ticket minted for `ownerId`, then the chat's socket opened with it: its refusal as a result, or `ok` for a socket let in. */
async function openChatSocket(chat: string, ownerId: string): Promise<Answer> {
  const { ticket } = unwrapOk(await sidecar.issueSocketTicket(chat, ownerId));
  const response = await exports.default.fetch(new Request(`http://sidecar${socketPath(chat)}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } }));
  if (response.status !== 101) return { ok: false, error: ((await response.json()) as { error: { code: string } }).error };
  response.webSocket!.accept();
  response.webSocket!.close(1000);
  return { ok: true, value: "socket opened" };
}

/** The methods whose parameters name an owner id or a session (a chat's or an account's), read from the entry's own code. */
function ownerOrSessionMethods(): string[] {
  const names = new Set<string>();
  for (let proto = SidecarEntrypoint.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = (proto as unknown as Record<string, unknown>)[name];
      // The entry's own guards (`withOwner`, `withSession`, ...) are how the methods check, not methods.
      if (name === "constructor" || /^with[A-Z]/.test(name) || typeof method !== "function") continue;
      const parameters = /^[^(]*\(([^)]*)\)/.exec(method.toString())?.[1] ?? "";
      if (/ownerId|sessionId/i.test(parameters)) names.add(name);
    }
  }
  return [...names].sort();
}

beforeAll(async () => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(zonedToEpoch(DAY, "09:00", DEFAULT_TIME_ZONE));
  await seedCatalog();
  await student(A, "A");
  await student(B, "B");
  await centerWithMainsCatalog(MATH);
  await student(M, "M", MATH);
  spent.signedOut = await signIn(A.email);
  unwrapOk(await sidecar.signOutAccount(spent.signedOut.sessionId, {}));
  spent.forgotten = await signIn(`forgotten-${unique()}@example.edu`);
  spent.everywhere = await signIn(`everywhere-${unique()}@example.edu`);
}, 120_000);

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

it("lists every method that takes an owner id or a session (a new one must be added here)", () => {
  expect(ownerOrSessionMethods()).toEqual(GUARDED.map((entry) => entry.name).sort());
});

/** `call` (with another's ids) is answered `refused` (or ok), holds none of `them`'s secrets, and changes nothing of theirs. */
async function expectNothingOf(them: Student, call: () => Promise<Answer | Answer[]>, refused: string | undefined) {
  const before = await stateOf(them);
  for (const answer of [await call()].flat()) {
    if (refused) expect(answer).toMatchObject({ ok: false, error: { code: refused } });
    else expect(answer.ok, JSON.stringify(answer)).toBe(true);
    const text = JSON.stringify(answer);
    for (const secret of secretsOf(them)) expect(text, `the answer holds ${secret}`).not.toContain(secret);
  }
  expect(await stateOf(them)).toEqual(before);
}

describe("A's credentials get nothing of B's, and change nothing of B's", () => {
  it.each(GUARDED)("$name", async ({ call, refused }) => {
    await expectNothingOf(B, () => call(A.signedIn, B), refused);
  });

  it("A still sees A's own (the matrix aimed at the right ids)", async () => {
    const mine = await stateOf(A);
    expect(mine.bookings.map((booking) => booking.id)).toEqual([A.bookingId]);
    expect(mine.trash.map((chat) => chat.id)).toEqual([A.trashed]);
    expect(mine.memory.facts.map((fact) => fact.id)).toContain(A.factId);
    // A's own ids go through where B's were refused: the refusals above were for whose the ids are.
    expect(unwrapOk(await sidecar.listMessages(A.chat, A.signedIn.ownerId, { limit: 50 })).messages.length).toBeGreaterThan(0);
    expect((await sidecar.memoryCorrect(A.signedIn.ownerId, A.factId, "pass Python")).ok).toBe(true);
  });

  it("signing out everywhere ends only the account's own devices", async () => {
    const before = await stateOf(B);
    expect(unwrapOk(await sidecar.signOutAccount(spent.everywhere.sessionId, { everywhere: true })).signedOut).toBe(1);
    expect(await stateOf(B)).toEqual(before);
  });
});

describe("A's credentials get nothing of M's, a student of another center, and change nothing of M's", () => {
  it.each(GUARDED)("$name", async ({ name, call, refused }) => {
    // A link for A's address spent from a device of another center is not one of that center's links.
    await expectNothingOf(M, () => call(A.signedIn, M), name === "redeemSignInLink" ? "gone:sign_in_link" : refused);
  });

  it("M's own are math's: its owner, booking and tutor", async () => {
    expect(M.signedIn.ownerId.endsWith(`.${MATH}`)).toBe(true);
    const [booking] = unwrapOk(await sidecar.listBookings(M.signedIn.ownerId));
    expect(booking?.id).toBe(M.bookingId);
    expect(booking?.tutorId.startsWith("m")).toBe(true);
  });
});

describe("a signed-out session", () => {
  it("is refused by every method that takes a session, and a forgotten account's too", async () => {
    for (const { sessionId } of [spent.signedOut, spent.forgotten, spent.everywhere]) {
      expect(await sidecar.checkAccountSession(sessionId)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
      expect(await sidecar.accountOverview(sessionId)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
      expect(await sidecar.signOutAccount(sessionId, { device: A.signedIn.sessionId })).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
      // Signing out a device already signed out is done already: it ends nothing, A's own session included.
      expect(unwrapOk(await sidecar.signOutAccount(sessionId, { everywhere: true })).signedOut).toBe(0);
    }
    expect(unwrapOk(await sidecar.checkAccountSession(A.signedIn.sessionId)).ownerId).toBe(A.signedIn.ownerId);
  });

  it("a made-up session id of the right shape is refused too", async () => {
    const forged = `as-${crypto.randomUUID().replaceAll("-", "")}`;
    expect(await sidecar.checkAccountSession(forged)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
    expect(await sidecar.accountOverview(forged)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
    expect(await sidecar.signOutAccount(forged, { device: B.signedIn.sessionId })).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
  });
});

describe("sign-in links", () => {
  it("a link minted for A's address signs in A, never B, and moves nothing of B's", async () => {
    const before = await stateOf(B);
    const token = await mailedToken(A.email);
    expect(unwrapOk(await sidecar.signInLinkInfo(token))).toMatchObject({ email: A.email, account: true });
    const signedIn = unwrapOk(await sidecar.redeemSignInLink(token, B.signedIn.ownerId, "x"));
    expect(signedIn).toMatchObject({ ownerId: A.signedIn.ownerId, email: A.email, merged: { chats: 0, bookings: 0 } });
    expect(await stateOf(B)).toEqual(before);
  });

  it("a used token cannot be replayed, even by two devices at once or from another device", async () => {
    const token = await mailedToken(B.email);
    const [first, second] = await Promise.all([sidecar.redeemSignInLink(token, newOwnerId(), "x"), sidecar.redeemSignInLink(token, newOwnerId(), "y")]);
    expect([first, second].filter((answer) => answer.ok)).toHaveLength(1);
    expect([first, second].filter((answer) => !answer.ok)).toMatchObject([{ ok: false, error: { code: "gone:sign_in_link" } }]);
    expect(await sidecar.redeemSignInLink(token, A.signedIn.ownerId, "x")).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });
    expect(await sidecar.signInLinkInfo(token)).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });
    // One character changed is no link at all.
    const edited = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(await sidecar.redeemSignInLink(edited, newOwnerId(), "x")).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });
  });
});
