import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FIRST_CENTER } from "../../lib/center/ids";
import { NewCenter, centerCreateSql } from "../../lib/center/create";
import { newOwnerId, newSecretToken, sha256Hex } from "../../lib/ids";
import type { SidecarApi } from "../../lib/sidecar-api";
import { NOTIFICATIONS_SOCKET_PATH, socketPath } from "../../lib/socket-protocol";
import { DEFAULT_PRIORITY } from "../../lib/queue/schemas";
import { messageQueue } from "../../services/objects";
import { BotQueueApi } from "../../workers/bot-queue";
import { successorOwnerId } from "../../services/forget-me";
import { ACCOUNT_COOKIE, signAccountCookie } from "../../lib/server/account-cookie";
import { OWNER_COOKIE, signOwnerId } from "../../lib/server/owner-cookie";
import { identifyVisitor, knownVisitor } from "../../lib/server/visitor";
import { newSessionId, unwrapOk } from "./helpers";

const sidecar = exports.default as unknown as SidecarApi;
const bots = new BotQueueApi({ ...env, BOT_MODE: "external" });

/** A second center made with the very SQL `npm run center:create` runs; answers its bot token. */
async function makeCenter(id: string, host: string): Promise<string> {
  const token = newSecretToken();
  const center = NewCenter.parse({ id, name: `${id} lab`, host, adminEmail: `admin@${id}.edu` });
  const sql = centerCreateSql({ center, botTokenHash: await sha256Hex(token), inviteTokenHash: await sha256Hex(newSecretToken()), now: Date.now(), inviteExpiresAt: Date.now() + 60_000 });
  await env.DB.batch(sql.split(/;\n/).map((statement) => env.DB.prepare(statement)));
  return token;
}

const Pending = z.object({ messages: z.array(z.object({ messageId: z.string() })) });
const Entries = z.object({ entries: z.array(z.object({ messageId: z.string().optional() })) });
const Leased = z.object({ leaseId: z.string() });

let mathToken = "";
beforeAll(async () => {
  mathToken = await makeCenter("math", "math.localhost");
});

describe("a request's center is its host's", () => {
  it("answers the center that claims the host, whatever its case or port", async () => {
    for (const host of ["math.localhost", "MATH.Localhost:8841", "math.localhost."]) {
      expect(unwrapOk(await sidecar.centerForHost(host))).toEqual({ id: "math", name: "math lab" });
    }
  });

  it("answers the first center for a host no center claims, and for anything that is not a host", async () => {
    const main = await env.DB.prepare("SELECT name FROM centers WHERE id = ?1").bind(FIRST_CENTER).first<{ name: string }>();
    for (const host of ["localhost:8841", "physics.localhost", "", null, 42, "x".repeat(300)]) {
      expect(unwrapOk(await sidecar.centerForHost(host))).toEqual({ id: FIRST_CENTER, name: main!.name });
    }
  });

  it("made the center's settings from the first center's rules, its own name and the default hours", async () => {
    const settings = await env.DB.prepare("SELECT name, assistant_name, time_zone FROM center_settings WHERE center_id = 'math'").first();
    const main = await env.DB.prepare("SELECT time_zone FROM center_settings WHERE center_id = 'main'").first<{ time_zone: string }>();
    expect(settings).toEqual({ name: "math lab", assistant_name: "Assistant", time_zone: main!.time_zone });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM center_hours WHERE center_id = 'math'").first<{ n: number }>())!.n).toBe(7);
    expect(await env.DB.prepare("SELECT role FROM staff_invites WHERE center_id = 'math' AND email = 'admin@math.edu'").first()).toEqual({ role: "admin" });
  });
});

describe("a bot token is one center's", () => {
  async function queued(center: string) {
    const sessionId = newSessionId();
    const messageId = crypto.randomUUID();
    unwrapOk(await messageQueue(env, center).enqueue({ messageId, sessionId, ownerId: newOwnerId(center), content: `a question at ${center}`, createdAt: Date.now() }));
    return { sessionId, messageId };
  }

  it("reaches its own center's queue and nothing of another's, both ways", async () => {
    const atMath = await queued("math");
    const atMain = await queued(FIRST_CENTER);
    const pairs = [
      { token: mathToken, own: atMath, other: atMain },
      { token: env.BOT_TOKEN, own: atMain, other: atMath },
    ];
    for (const { token, own, other } of pairs) {
      const pending = Pending.parse(unwrapOk(await sidecar.queuePending(token, 1000)));
      expect(pending.messages.map((m) => m.messageId)).toContain(own.messageId);
      expect(pending.messages.map((m) => m.messageId)).not.toContain(other.messageId);

      expect(await sidecar.queueClaim(token, { messageId: other.messageId, workerId: "intruder" })).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^not_found:/) } });
      expect(await sidecar.queueComplete(token, { messageId: other.messageId, leaseId: crypto.randomUUID(), reply: "mine now" })).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^not_found:/) } });
      expect(await sidecar.queueSetPriority(token, { messageId: other.messageId, priority: 9 })).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^not_found:/) } });
      const context = Entries.parse(unwrapOk(await sidecar.queueConversation(token, { sessionId: other.sessionId, limit: 100 })));
      expect(context.entries).toEqual([]);
      const feed = Entries.parse(unwrapOk(await sidecar.queueFeed(token, { after: 0, limit: 1000 })));
      expect(feed.entries.map((entry) => entry.messageId)).not.toContain(other.messageId);
    }
    // Each center's message is still waiting, unclaimed, in its own queue; its own token claims it.
    for (const { token, own, center } of [{ token: mathToken, own: atMath, center: "math" }, { token: env.BOT_TOKEN, own: atMain, center: FIRST_CENTER }]) {
      const waiting = unwrapOk(await messageQueue(env, center).pending(1000)).messages.find((m) => m.messageId === own.messageId);
      expect(waiting).toMatchObject({ priority: DEFAULT_PRIORITY, attempts: 0 });
      const lease = Leased.parse(unwrapOk(await bots.claim(token, { messageId: own.messageId, workerId: "own-bot" })));
      expect(lease.leaseId).toEqual(expect.any(String));
    }
  });

  it("refuses a token no center holds, and the hash of one in its place", async () => {
    for (const token of ["", "wrong", await sha256Hex(mathToken), `${mathToken} `]) {
      expect(await sidecar.queuePending(token, 10)).toMatchObject({ ok: false, error: { code: "unauthorized:bot" } });
    }
  });
});

describe("a socket ticket opens only at its owner's center's host", () => {
  async function openAt(host: string, path: string, ticket: string) {
    return exports.default.fetch(new Request(`http://${host}${path}?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } }));
  }

  it("refuses a chat ticket carried to another center's host, and opens it at its own", async () => {
    const sessionId = newSessionId();
    const mathOwner = newOwnerId("math");
    unwrapOk(await sidecar.sendMessage(sessionId, mathOwner, { content: "hello from the math lab" }));

    const elsewhere = unwrapOk(await sidecar.issueSocketTicket(sessionId, mathOwner));
    expect((await openAt("localhost:8841", socketPath(sessionId), elsewhere.ticket)).status).toBe(401);

    const home = unwrapOk(await sidecar.issueSocketTicket(sessionId, mathOwner));
    const opened = await openAt("math.localhost:8841", socketPath(sessionId), home.ticket);
    expect(opened.status).toBe(101);
    opened.webSocket?.accept();
    opened.webSocket?.close(1000, "done");
  });

  it("refuses a first-center owner's bell ticket at another center's host", async () => {
    const mainOwner = newOwnerId(FIRST_CENTER);
    const { ticket } = unwrapOk(await sidecar.notificationSocketTicket(mainOwner));
    expect((await openAt("math.localhost", NOTIFICATIONS_SOCKET_PATH, ticket)).status).toBe(401);
    const again = unwrapOk(await sidecar.notificationSocketTicket(mainOwner));
    const opened = await openAt("localhost", NOTIFICATIONS_SOCKET_PATH, again.ticket);
    expect(opened.status).toBe(101);
    opened.webSocket?.accept();
    opened.webSocket?.close(1000, "done");
  });
});

describe("a forgotten owner's successor", () => {
  it("is of the same center, so the browser stays that center's", async () => {
    expect(await successorOwnerId(env.INTERNAL_KEY, newOwnerId("math"))).toMatch(/^owner-[0-9a-f]{32}\.math$/);
    expect(await successorOwnerId(env.INTERNAL_KEY, newOwnerId(FIRST_CENTER))).toMatch(/^owner-[0-9a-f]{32}$/);
  });
});

describe("the visitor at a center's host (the web worker's lib/server/visitor.ts, against the real sidecar)", () => {
  const SECRET = "visitor-test-secret";
  const session = `as-${"1".repeat(32)}`;

  async function withCookies(host: string, cookies: Record<string, string>) {
    const cookie = Object.entries(cookies).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
    return new Request(`http://${host}/api/chats`, { headers: { cookie } });
  }

  it("reads another center's account as signed out (a fresh owner of this center), and its own as signed in", async () => {
    const mainAccountOwner = newOwnerId(FIRST_CENTER);
    const account = await signAccountCookie(SECRET, { sessionId: session, ownerId: mainAccountOwner, email: "student@school.edu", checkedAt: Date.now() });

    const atMath = await identifyVisitor(await withCookies("math.localhost:8841", { [ACCOUNT_COOKIE]: account }), SECRET, sidecar);
    expect(atMath.account).toBeUndefined();
    expect(atMath.id).toMatch(/^owner-[0-9a-f]{32}\.math$/);
    expect(atMath.setCookies.join()).not.toMatch(/tutor_account=;/); // left alone for its own host

    const atMain = await identifyVisitor(await withCookies("localhost:8841", { [ACCOUNT_COOKIE]: account }), SECRET, sidecar);
    expect(atMain).toMatchObject({ id: mainAccountOwner, account: { sessionId: session, email: "student@school.edu" } });
  });

  it("knows no visitor at math from a first-center owner cookie, and mints nothing", async () => {
    const owner = await signOwnerId(newOwnerId(FIRST_CENTER), SECRET);
    expect(await knownVisitor(await withCookies("math.localhost", { [OWNER_COOKIE]: owner }), SECRET, sidecar)).toBeNull();
    expect(await knownVisitor(await withCookies("localhost", { [OWNER_COOKIE]: owner }), SECRET, sidecar)).toMatchObject({ id: owner.slice(0, owner.lastIndexOf(".")) });
  });
});
