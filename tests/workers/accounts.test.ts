import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TIME_ZONE, zonedToEpoch } from "../../lib/calendar";
import { LIMITS } from "../../lib/rate-limits";
import { SIGN_IN_LINK_MS, type SignedIn } from "../../lib/accounts/schemas";
import { notificationsOf, studentMemory } from "../../services/objects";
import { finishMerges } from "../../services/owner-merge";
import { createFakeMailApi, type FakeMailApi } from "../fakes/mail-api";
import { newOwnerId, newSessionId, seedCatalog, unwrapOk } from "./helpers";
import { bookPython, facts, say } from "./memory-helpers";
import { createInvite, register, sidecar } from "./staff-helpers";
import { FakeAuthenticator } from "../fakes/authenticator";

/**
 * Student accounts (services/accounts.ts, services/owner-merge.ts): a one-time email link signs a
 * device in; what the device's anonymous owner held, and the bookings the email listed, move into
 * the account once, whatever is retried or runs at the same time; sessions end here or everywhere.
 */

const DAY = "2032-03-03"; // a Wednesday
const at = (clock: string) => zonedToEpoch(DAY, clock, DEFAULT_TIME_ZONE);
const address = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.edu`;

let fake: FakeMailApi;

beforeAll(seedCatalog);

beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at("09:00"));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Asks for a link for `email` and reads its token out of the email, as the student would click it. */
async function mailedLink(email: string): Promise<{ token: string; text: string }> {
  unwrapOk(await sidecar.requestSignInLink({ email }, newOwnerId()));
  const mail = fake.requests.filter((request) => request.body.to.includes(email.toLowerCase()) && request.body.subject.startsWith("Your sign-in link")).at(-1);
  if (!mail) throw new Error(`no sign-in email to ${email}`);
  const url = /(https?:\/\/\S+\/account\/link\?token=\S+)/.exec(mail.body.text)?.[1];
  if (!url) throw new Error(`no link in: ${mail.body.text}`);
  return { token: new URL(url).searchParams.get("token")!, text: mail.body.text };
}

async function signIn(email: string, deviceOwnerId: string): Promise<SignedIn> {
  const { token } = await mailedLink(email);
  return unwrapOk(await sidecar.redeemSignInLink(token, deviceOwnerId, "Firefox on Linux"));
}

async function chatsOf(ownerId: string): Promise<string[]> {
  return unwrapOk(await sidecar.listChats(ownerId, false)).map((chat) => chat.id).sort();
}

async function learnName(ownerId: string, name: string) {
  unwrapOk(await studentMemory(env, ownerId).learn(ownerId, [{ kind: "name", value: name, source: { type: "student_edit" }, confidence: 1 }], Date.now()));
}

describe("an email sign-in link", () => {
  it("works once, within 15 minutes; used, expired and unknown links get the same 410", async () => {
    const email = address("ada");
    const first = await mailedLink(email);
    expect(first.text).toMatch(/works once, within 15 minutes/);
    const info = unwrapOk(await sidecar.signInLinkInfo(first.token));
    expect(info).toEqual({ email, account: false, bookings: 0 });

    const signedIn = unwrapOk(await sidecar.redeemSignInLink(first.token, newOwnerId(), "Firefox on Linux"));
    expect(signedIn.email).toBe(email);
    const again = await sidecar.redeemSignInLink(first.token, newOwnerId(), "Chrome on Android");
    expect(again).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });

    const late = await mailedLink(email);
    vi.setSystemTime(Date.now() + SIGN_IN_LINK_MS);
    expect(await sidecar.redeemSignInLink(late.token, newOwnerId(), "x")).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });
    expect(await sidecar.redeemSignInLink("A".repeat(43), newOwnerId(), "x")).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });
    expect(await sidecar.redeemSignInLink("not a token", newOwnerId(), "x")).toMatchObject({ ok: false, error: { code: "gone:sign_in_link" } });
    // The token is kept only as its hash.
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM sign_in_links WHERE token_hash = ?1").bind(first.token).first<{ n: number }>();
    expect(stored?.n).toBe(0);
  });

  it("answers the same for a known address, an unknown one and a stopped one, and mails only those that may be mailed", async () => {
    const known = address("known");
    await signIn(known, newOwnerId());
    const stopped = address("stopped");
    await env.DB.prepare("INSERT INTO mail_recipients (address, suppressed_at) VALUES (?1, 1)").bind(stopped).run();
    const before = fake.requests.length;
    const answers = await Promise.all([known, address("unknown"), stopped].map((email) => sidecar.requestSignInLink({ email }, newOwnerId())));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(fake.requests.slice(before).map((request) => request.body.to[0])).not.toContain(stopped);
    expect(fake.requests.length - before).toBe(2);
  });

  it("is limited per address; bad bodies are 400s that mail nothing", async () => {
    const email = address("busy");
    for (let sent = 0; sent < LIMITS.signInLinksPerEmail.limit; sent++) unwrapOk(await sidecar.requestSignInLink({ email }, newOwnerId()));
    expect(await sidecar.requestSignInLink({ email }, newOwnerId())).toMatchObject({ ok: false, error: { code: "rate_limited:sign_in" } });
    const before = fake.requests.length;
    for (const body of [{}, { email: "not an address" }, { email: 42 }, { email: address("x"), extra: true }, null]) {
      expect(await sidecar.requestSignInLink(body, newOwnerId())).toMatchObject({ ok: false, error: { code: "bad_request:body" } });
    }
    expect(fake.requests.length).toBe(before);
  });
});

describe("signing in moves what the device held into the account", () => {
  it("a booking made anonymously on one device, then a sign-in on another: the second sees the chat, booking, memory and bell; the first no longer holds them", async () => {
    const email = address("bea");
    const laptop = newOwnerId();
    const { sessionId, booking } = await bookPython(laptop, "Bea Noether", email);
    await learnName(laptop, "Bea");
    const phone = newOwnerId();
    const phoneChat = newSessionId();
    await say(phoneChat, phone, "hello");

    const { token, text } = await mailedLink(email);
    expect(text).toMatch(/also adds this booking, made with this address, to your account/);
    expect(unwrapOk(await sidecar.signInLinkInfo(token)).bookings).toBe(1);
    const signedIn = unwrapOk(await sidecar.redeemSignInLink(token, phone, "Chrome on Android"));
    expect(signedIn.merged).toMatchObject({ chats: 2, bookings: 1 });
    expect(signedIn.merged.facts).toBeGreaterThanOrEqual(1);
    expect(signedIn.pending).toBe(false);
    const account = signedIn.ownerId;

    expect(await chatsOf(account)).toEqual([sessionId, phoneChat].sort());
    expect(unwrapOk(await sidecar.getState(sessionId, account)).bookingInfo?.bookingId).toBe(booking.bookingId);
    expect(unwrapOk(await sidecar.listBookings(account)).map((row) => row.id)).toEqual([booking.bookingId]);
    expect((await facts(account)).find((fact) => fact.kind === "name")?.value).toBe("Bea");
    expect(unwrapOk(await notificationsOf(env, account).list(account)).notifications.map((note) => note.bookingId)).toContain(booking.bookingId);

    // Nothing is left behind, and the old ids reach nothing.
    expect(await chatsOf(laptop)).toEqual([]);
    expect(await chatsOf(phone)).toEqual([]);
    expect(await sidecar.getState(sessionId, laptop)).toMatchObject({ ok: false, error: { code: "not_found:session" } });
    expect(unwrapOk(await sidecar.listBookings(laptop))).toEqual([]);
    expect(await facts(laptop)).toEqual([]);
    expect(unwrapOk(await notificationsOf(env, laptop).list(laptop)).notifications).toEqual([]);
    // The address is confirmed by the link.
    const recipient = await env.DB.prepare("SELECT verified FROM mail_recipients WHERE address = ?1").bind(email).first<{ verified: number }>();
    expect(recipient?.verified).toBe(1);
  });

  it("two devices signing in at once, and every retry, make one account and move each row once", async () => {
    const email = address("cal");
    const [tablet, phone] = [newOwnerId(), newOwnerId()];
    const [tabletChat, phoneChat] = [newSessionId(), newSessionId()];
    await say(tabletChat, tablet, "hi");
    await say(phoneChat, phone, "hello");
    await learnName(tablet, "Cal");
    await learnName(phone, "Callie");
    const a = await mailedLink(email);
    const b = await mailedLink(email);
    const [first, second] = await Promise.all([
      sidecar.redeemSignInLink(a.token, tablet, "Safari on iOS"),
      sidecar.redeemSignInLink(b.token, phone, "Chrome on Android"),
    ]);
    const account = unwrapOk(first).ownerId;
    expect(unwrapOk(second).ownerId).toBe(account);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM accounts WHERE email = ?1").bind(email).first<{ n: number }>())?.n).toBe(1);
    expect(await chatsOf(account)).toEqual([tabletChat, phoneChat].sort());
    expect((await facts(account)).filter((fact) => fact.kind === "name")).toHaveLength(1);

    // A retry of everything finds nothing left to move and writes nothing twice.
    const memoryBefore = await facts(account);
    expect(await finishMerges(env, { toOwner: account, now: Date.now() })).toEqual({ moved: { chats: 0, bookings: 0, facts: 0, notifications: 0, waitlists: 0 }, pending: 0 });
    expect(await facts(account)).toEqual(memoryBefore);
    expect(await chatsOf(account)).toEqual([tabletChat, phoneChat].sort());
  });

  it("a merge left half done is finished by the next look at the account, losing nothing", async () => {
    const email = address("dee");
    const signedIn = await signIn(email, newOwnerId());
    const leftover = newOwnerId();
    const chat = newSessionId();
    await say(chat, leftover, "I need help with Python");
    // As a failure after the session was opened would leave it: the pending row, the data still under the old id.
    await env.DB.prepare("INSERT INTO owner_merges (from_owner, to_owner, started_at) VALUES (?1, ?2, ?3)").bind(leftover, signedIn.ownerId, Date.now()).run();
    unwrapOk(await sidecar.accountOverview(signedIn.sessionId));
    expect(await chatsOf(signedIn.ownerId)).toContain(chat);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM owner_merges WHERE from_owner = ?1").bind(leftover).first<{ n: number }>())?.n).toBe(0);
  });

  it("a message waiting for staff follows the chat into the account: the staff answer still reaches it", async () => {
    const laptop = newOwnerId();
    const chat = newSessionId();
    await say(chat, laptop, `tell the center Can I bring a friend? ${crypto.randomUUID()}`);
    await say(chat, laptop, "Yes");
    const signedIn = await signIn(address("lou"), laptop);
    const staff = await register(await FakeAuthenticator.create(), await createInvite(`desk-${crypto.randomUUID().slice(0, 8)}@tutoring.test`, "staff"));
    const waiting = unwrapOk(await sidecar.staffInbox(staff.session.token)).messages.find((message) => message.sessionId === chat)!;
    const claimed = unwrapOk(await sidecar.staffClaim(staff.session.token, waiting.messageId));
    const reply = `Yes, of course. ${crypto.randomUUID()}`;
    expect(unwrapOk(await sidecar.staffReply(staff.session.token, { messageId: waiting.messageId, leaseId: claimed.lease.leaseId, reply }))).toMatchObject({ delivered: true });
    expect(unwrapOk(await sidecar.getState(chat, signedIn.ownerId)).messages.map((message) => message.content)).toContain(reply);
  });

  it("never moves an account's own data into another account", async () => {
    const mine = await signIn(address("eve"), newOwnerId());
    const chat = newSessionId();
    await say(chat, mine.ownerId, "hello");
    // The signed-in student's device id is the account's owner: signing in to another address moves nothing of it.
    const other = unwrapOk(await sidecar.redeemSignInLink((await mailedLink(address("fay"))).token, mine.ownerId, "x"));
    expect(other.merged.chats).toBe(0);
    expect(await chatsOf(mine.ownerId)).toEqual([chat]);
  });
});

describe("sessions", () => {
  it("sign out one device, then everywhere: each stops acting for the account", async () => {
    const email = address("gus");
    const laptop = await signIn(email, newOwnerId());
    const phone = await signIn(email, newOwnerId());
    const tablet = await signIn(email, newOwnerId());
    const overview = unwrapOk(await sidecar.accountOverview(laptop.sessionId));
    expect(overview.devices.map((device) => device.id).sort()).toEqual([laptop.sessionId, phone.sessionId, tablet.sessionId].sort());
    expect(overview.devices.filter((device) => device.current).map((device) => device.id)).toEqual([laptop.sessionId]);

    unwrapOk(await sidecar.signOutAccount(laptop.sessionId, { device: phone.sessionId }));
    expect(await sidecar.checkAccountSession(phone.sessionId)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
    expect(unwrapOk(await sidecar.checkAccountSession(tablet.sessionId)).ownerId).toBe(laptop.ownerId);

    expect(unwrapOk(await sidecar.signOutAccount(tablet.sessionId, { everywhere: true })).signedOut).toBe(2);
    for (const session of [laptop, tablet]) expect(await sidecar.checkAccountSession(session.sessionId)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
  });

  it("another account's device cannot be signed out, and made-up session ids are 401s", async () => {
    const mine = await signIn(address("hal"), newOwnerId());
    const theirs = await signIn(address("ida"), newOwnerId());
    expect(await sidecar.signOutAccount(mine.sessionId, { device: theirs.sessionId })).toMatchObject({ ok: false, error: { code: "not_found:route" } });
    expect(unwrapOk(await sidecar.checkAccountSession(theirs.sessionId)).ownerId).toBe(theirs.ownerId);
    for (const id of ["", "as-123", `as-${"0".repeat(32)}`, 7]) {
      expect(await sidecar.accountOverview(id as string)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
    }
  });

  it("Forget me on an account deletes the account and signs out every device", async () => {
    const email = address("jo");
    const signedIn = await signIn(email, newOwnerId());
    unwrapOk(await sidecar.forgetMe(signedIn.ownerId));
    expect(await sidecar.checkAccountSession(signedIn.sessionId)).toMatchObject({ ok: false, error: { code: "unauthorized:account" } });
    expect(await env.DB.prepare("SELECT id FROM accounts WHERE email = ?1").bind(email).first()).toBeNull();
  });
});

describe("Download my data", () => {
  it("holds the account's chats with their messages, bookings, memory and bell", async () => {
    const owner = newOwnerId();
    const chat = newSessionId();
    await say(chat, owner, "I need help with Python on Friday");
    await learnName(owner, "Kim");
    const data = unwrapOk(await sidecar.exportMyData(owner)) as { chats: { id: string; messages: { content: string }[] }[]; memory: { value: string }[] };
    expect(data.chats.map((entry) => entry.id)).toEqual([chat]);
    expect(data.chats[0]!.messages.map((message) => message.content)).toContain("I need help with Python on Friday");
    expect(data.memory.map((fact) => fact.value)).toContain("Kim");
    expect(await sidecar.exportMyData("not-an-owner")).toMatchObject({ ok: false, error: { code: "bad_request:owner" } });
  });
});
