import fc from "fast-check";
import { expect, test, type APIRequestContext } from "./support/test";
import { createSessionId } from "../lib/ids";
import { startSidecar } from "./support/sidecar";
import { accountCookieParts, forgedAccountCookie, signedInBrowser } from "./support/account";

/**
 * Property-based: whatever a client sends (methods, paths, headers, cookies,
 * query strings, path ids, bodies, content types), every route answers below
 * 500, with a JSON error for a 4xx and never a stack trace, and a refused
 * request changes nothing: one real student's chats, messages and bookings are
 * compared before and after every refusal sent with their cookie. Runs against
 * the production build with the sidecar. FUZZ_RUNS sets the cases per route.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const SESSION = "session-1700000000000-0123456789abcdef0123456789abcdef";

/** An account cookie of the right shape (base64url JSON claims) with a made-up signature. */
const FORGED_ACCOUNT = `${Buffer.from(JSON.stringify({ s: `as-${"0".repeat(32)}`, o: "owner-00000000000000000000000000000000", e: "a@example.com", c: 1700000000000 })).toString("base64url")}.${"A".repeat(43)}`;

/**
 * Cookie headers: valid-looking, malformed base64, bad % escapes, any printable ASCII (what a header can carry).
 * The `<…>` markers are the real student's and the signed-in member's cookies, and forgeries made from them (`resolveCookie`).
 */
const cookie = fc.oneof(
  fc.constant(""),
  fc.constant("<student's cookie>"),
  fc.constantFrom(
    "<member's cookie>",
    "<student's cookie>; <member's account, owner edited>",
    "<student's cookie>; <member's account, signature spoiled>",
    "<student's cookie>; tutor_account=" + FORGED_ACCOUNT,
    "<member's account, session edited>",
  ),
  fc.constantFrom("tutor_account=x.A", "tutor_account=%E0%A4%A", "tutor_account=a.b.c", "tutor_account=.", `tutor_account=${FORGED_ACCOUNT}`),
  fc.string({ unit: "grapheme-ascii", maxLength: 200 }).map((value) => `tutor_account=${value}`),
  fc.constant("tutor_owner=x.A"),
  fc.constant("tutor_owner=%E0%A4%A"),
  fc.constant("tutor_owner=owner-00000000000000000000000000000000.!!!"),
  fc.string({ unit: "grapheme-ascii", maxLength: 200 }).map((value) => `tutor_owner=${value}`),
  fc.string({ unit: "grapheme-ascii", maxLength: 100 }),
);

/** Query values, including prototype keys and escapes that do not decode. */
const queryValue = fc.oneof(
  fc.constantFrom("constructor", "__proto__", "toString", "hasOwnProperty", "%", "%zz", "-1", "1e309", "NaN", "", "0", "999999999999999999999"),
  fc.string({ maxLength: 100 }),
);

/** Bodies: JSON of any shape, invalid JSON, and the right keys with the wrong types. */
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 300 }),
  fc.record({ content: fc.anything(), id: fc.anything() }).map((value) => JSON.stringify(value)),
  fc.record({ messageId: fc.anything(), workerId: fc.anything(), leaseId: fc.anything(), reply: fc.anything() }).map((value) => JSON.stringify(value)),
  fc.record({ pendingMatch: fc.anything(), bookingInfo: fc.anything(), searchCriteria: fc.anything() }).map((value) => JSON.stringify(value)),
  fc.record({ vote: fc.oneof(fc.constantFrom("up", "down", null), fc.anything()) }).map((value) => JSON.stringify(value)),
  fc.record({ token: fc.oneof(fc.constant("A".repeat(43)), fc.anything()), email: fc.oneof(fc.constant("fuzz@example.com"), fc.anything()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.record({ device: fc.oneof(fc.constant(`as-${"0".repeat(32)}`), fc.constant("<member's session>"), fc.anything()), everywhere: fc.anything() }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
);

/** A real student, set up before the fuzzing: their cookie and chat are among the inputs. */
const student = { cookie: "", sessionId: "" };
/** A real signed-in account (its account and owner cookies), whose cookie is forged into the inputs too. */
const member = { cookie: "", accountCookie: "", email: "" };

/** The cookie header a `<…>` marker stands for. */
function resolveCookie(value: string): string {
  const spoiled = () => {
    const { signature } = accountCookieParts(member.accountCookie);
    return forgedAccountCookie(member.accountCookie, {}, `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`);
  };
  const studentOwner = () => student.cookie.replace(/^tutor_owner=/, "").split(".")[0]!;
  return value
    .replace("<student's cookie>", student.cookie)
    .replace("<member's cookie>", member.cookie)
    .replace("<member's account, owner edited>", `tutor_account=${forgedAccountCookie(member.accountCookie, { o: studentOwner() })}`)
    .replace("<member's account, session edited>", `tutor_account=${forgedAccountCookie(member.accountCookie, { s: `as-${"1".repeat(32)}` })}`)
    .replace("<member's account, signature spoiled>", `tutor_account=${spoiled()}`);
}

const pathId = fc.oneof(fc.constant(SESSION), fc.constant("<student's chat>"), fc.constant("bk-0123456789abcdef0123456789abcdef"), fc.constantFrom("constructor", "__proto__", "%zz", "..", "session-1-2"), fc.string({ minLength: 1, maxLength: 60 }));

/** `form`: the route reads an HTML form, so a non-JSON body goes as one. */
type Route = { method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; path: (id: string, q: string) => string; body?: boolean; form?: boolean };
const ROUTES: Route[] = [
  { method: "GET", path: () => "/api/health" },
  { method: "GET", path: (id) => `/api/chat/session/${id}` },
  { method: "PATCH", path: (id) => `/api/chat/session/${id}`, body: true },
  { method: "GET", path: (id, q) => `/api/chat/session/${id}/messages?after=${q}&limit=${q}&before=${q}` },
  { method: "POST", path: (id) => `/api/chat/session/${id}/messages`, body: true },
  { method: "POST", path: (id) => `/api/chat/session/${id}/socket-ticket` },
  { method: "PUT", path: (id) => `/api/chat/session/${id}/messages/${id}/feedback`, body: true },
  { method: "GET", path: (_id, q) => `/api/chats?deleted=${q}` },
  { method: "DELETE", path: (id) => `/api/chats/${id}` },
  { method: "POST", path: (id) => `/api/chats/${id}/restore` },
  { method: "GET", path: () => "/api/bookings" },
  { method: "POST", path: (id) => `/api/bookings/${id}/cancel` },
  { method: "GET", path: (id) => `/api/booking-link/${id}` },
  { method: "POST", path: (id) => `/api/booking-link/${id}/cancel` },
  { method: "GET", path: () => "/api/memory" },
  { method: "DELETE", path: (id) => `/api/memory/facts/${id}` },
  { method: "PUT", path: (id) => `/api/memory/facts/${id}`, body: true },
  { method: "POST", path: () => "/api/memory/forget-me" },
  { method: "GET", path: () => "/api/bookings/reminders" },
  { method: "PUT", path: () => "/api/bookings/reminders", body: true },
  { method: "GET", path: () => "/api/notifications" },
  { method: "GET", path: () => "/api/notifications/count" },
  { method: "POST", path: () => "/api/notifications/read", body: true },
  { method: "POST", path: () => "/api/notifications/socket-ticket" },
  { method: "GET", path: (_id, q) => `/api/notifications/socket?ticket=${q}` },
  { method: "GET", path: () => "/api/notifications/preferences" },
  { method: "PUT", path: () => "/api/notifications/preferences", body: true },
  { method: "GET", path: (_id, q) => `/api/mail/stop?token=${q}` },
  { method: "POST", path: (_id, q) => `/api/mail/stop?token=${q}`, body: true, form: true },
  { method: "POST", path: () => "/api/assistant", body: true },
  { method: "GET", path: () => "/api/assistant/persona" },
  { method: "GET", path: () => "/api/account" },
  { method: "POST", path: () => "/api/account/sign-in-link", body: true },
  { method: "POST", path: () => "/api/account/link", body: true },
  { method: "POST", path: () => "/api/account/sign-out", body: true },
  { method: "GET", path: () => "/api/account/export" },
  { method: "GET", path: () => "/api/account/sso" },
  { method: "GET", path: (_id, q) => `/api/account/sso/start?returnTo=${q}` },
  { method: "GET", path: (_id, q) => `/api/account/sso/callback?code=${q}&state=${q}&error=${q}` },
  { method: "GET", path: (_id, q) => `/account/link?token=${q}` },
  { method: "GET", path: (_id, q) => `/tutors?q=${q}` },
  { method: "GET", path: (_id, q) => `/api/queue/pending?limit=${q}` },
  { method: "POST", path: () => "/api/queue/claim", body: true },
  { method: "POST", path: () => "/api/queue/claim-next", body: true },
  { method: "POST", path: () => "/api/queue/complete", body: true },
  { method: "PATCH", path: (id) => `/api/queue/${id}`, body: true },
  { method: "GET", path: (id, q) => `/api/conversation?sessionId=${id}&limit=${q}` },
  { method: "GET", path: (_id, q) => `/api/comments?after=${q}` },
  { method: "GET", path: (_id, q) => `/api/queue/dead-letters?limit=${q}` },
  { method: "POST", path: () => "/api/queue/requeue", body: true },
  { method: "GET", path: () => "/api/staff/me" },
  { method: "PUT", path: () => "/api/staff/me/name", body: true },
  { method: "POST", path: () => "/api/staff/invites", body: true },
  { method: "POST", path: () => "/api/staff/sign-in/options" },
  { method: "POST", path: () => "/api/staff/sign-in", body: true },
  { method: "POST", path: () => "/api/staff/sign-out" },
  { method: "POST", path: (id) => `/api/staff/invite/${id}/options` },
  { method: "POST", path: (id) => `/api/staff/invite/${id}/register`, body: true },
  { method: "GET", path: () => "/api/staff/inbox" },
  { method: "POST", path: () => "/api/staff/inbox/claim", body: true },
  { method: "POST", path: () => "/api/staff/inbox/reply", body: true },
  { method: "GET", path: () => "/api/staff/inbox/dead-letters" },
  { method: "POST", path: () => "/api/staff/inbox/requeue", body: true },
  { method: "GET", path: (_id, q) => `/api/staff/schedule?from=${q}&tutor=${q}` },
  { method: "POST", path: () => "/api/staff/schedule/cancel", body: true },
  { method: "POST", path: () => "/api/staff/schedule/attendance", body: true },
  { method: "POST", path: () => "/api/staff/schedule/note", body: true },
  { method: "GET", path: () => "/api/staff/settings" },
  { method: "PUT", path: () => "/api/staff/settings", body: true },
  { method: "POST", path: () => "/api/staff/settings/closed-dates", body: true },
  { method: "DELETE", path: (id) => `/api/staff/settings/closed-dates/${id}` },
  { method: "GET", path: () => "/api/staff/settings/sign-in" },
  { method: "PUT", path: () => "/api/staff/settings/sign-in", body: true },
  { method: "DELETE", path: () => "/api/staff/settings/sign-in" },
  { method: "GET", path: () => "/api/staff/tutors" },
  { method: "POST", path: () => "/api/staff/tutors", body: true },
  { method: "GET", path: (id) => `/api/staff/tutors/${id}` },
  { method: "PUT", path: (id) => `/api/staff/tutors/${id}`, body: true },
  { method: "POST", path: (id) => `/api/staff/tutors/${id}/retire` },
  { method: "GET", path: (_id, q) => `/api/staff/analytics?from=${q}&to=${q}&granularity=${q}` },
  { method: "GET", path: (_id, q) => `/api/staff/analytics.csv?from=${q}&to=2026-11-01&granularity=day` },
  { method: "GET", path: () => "/api/staff/members" },
  { method: "PUT", path: (id) => `/api/staff/members/${id}/role`, body: true },
  { method: "POST", path: (id) => `/api/staff/members/${id}/disable` },
  { method: "POST", path: (id) => `/api/staff/members/${id}/enable` },
  { method: "POST", path: (id) => `/api/staff/members/${id}/passkey-link` },
  { method: "DELETE", path: (id) => `/api/staff/members/${id}/passkeys/${id}` },
  { method: "GET", path: () => "/api/staff/invites" },
  { method: "DELETE", path: (id) => `/api/staff/invites/${id}` },
];

async function send(request: APIRequestContext, route: Route, input: { id: string; q: string; cookie: string; body: string; json: boolean; bot: boolean }) {
  const id = input.id === "<student's chat>" ? student.sessionId : input.id;
  const url = route.path(encodeURIComponent(id), encodeURIComponent(input.q));
  const headers: Record<string, string> = {};
  if (input.cookie) headers.cookie = resolveCookie(input.cookie);
  if (input.bot) headers.authorization = "Bearer not-the-token";
  if (route.body) headers["content-type"] = input.json ? "application/json" : route.form ? "application/x-www-form-urlencoded" : "text/plain";
  // A Buffer goes out byte for byte (a string with a JSON content type would be JSON-encoded again).
  const data = input.body.replace("<member's session>", accountCookieParts(member.accountCookie).claims.s);
  return request.fetch(url, { method: route.method, headers, data: route.body ? Buffer.from(data) : undefined, maxRedirects: 0 });
}

/** Everything the student can see of their own: the chat, the chat lists, the bookings; and the member's account page and chats. */
async function studentSees(request: APIRequestContext): Promise<string> {
  const read = async (path: string, cookie: string) => {
    const response = await request.get(path, { headers: { cookie } });
    return `${response.status()} ${(await response.text()).replace(/"lastSeenAt":\d+/g, "")}`;
  };
  const reads = await Promise.all([
    ...[`/api/chat/session/${student.sessionId}`, "/api/chats", "/api/chats?deleted=1", "/api/bookings"].map((path) => read(path, student.cookie)),
    ...["/api/account", "/api/chats", "/api/bookings"].map((path) => read(path, member.cookie)),
  ]);
  return reads.join("\n");
}

/** Below 500, no stack trace, a JSON error body for a JSON 4xx. */
async function expectNoServerError(response: Awaited<ReturnType<APIRequestContext["fetch"]>>, what: string) {
  expect(response.status(), what).toBeLessThan(500);
  const text = await response.text();
  expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  if (response.status() >= 400 && response.headers()["content-type"]?.includes("json")) {
    expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  }
}

test.describe("no input makes a route answer 5xx or changes state when refused", () => {
  test.beforeAll(async ({ playwright, browser }) => {
    await startSidecar();
    member.email = `fuzz.member.${Date.now()}@example.com`;
    const signedIn = await signedInBrowser(browser, member.email);
    Object.assign(member, { cookie: signedIn.cookie, accountCookie: signedIn.accountCookie });
    await signedIn.context.close();
    const context = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    student.sessionId = createSessionId();
    const created = await context.post(`/api/chat/session/${student.sessionId}/messages`, { data: { content: "Python on Monday at 10" } });
    expect(created.status()).toBe(201);
    student.cookie = (created.headers()["set-cookie"] ?? "").split(";")[0]!;
    expect(student.cookie).toMatch(/^tutor_owner=/);
    await context.dispose();
  });

  for (const route of ROUTES) {
    test(`${route.method} ${route.path(":id", ":q")}`, async ({ request }) => {
      let seen = await studentSees(request);
      await fc.assert(
        fc.asyncProperty(
          fc.record({ id: pathId, q: queryValue, cookie, body, json: fc.boolean(), bot: fc.boolean() }),
          async (input) => {
            const response = await send(request, route, input);
            await expectNoServerError(response, `${route.method} ${JSON.stringify(input)}`);
            // The student's and the member's state is compared around every refusal sent with (a forgery made from) their cookies.
            if (!input.cookie.startsWith("<") || route.method === "GET") return;
            const now = await studentSees(request);
            if (response.status() >= 400) expect(now, `refused ${route.method} ${JSON.stringify(input)} changed the student's state`).toBe(seen);
            seen = now;
          },
        ),
        { numRuns: RUNS, seed: 20261123 },
      );
    });
  }

  test("any method, path and headers", async ({ request }) => {
    const segment = fc.oneof(
      fc.constantFrom("api", "chat", "session", "chats", "queue", "bookings", "restore", "cancel", "messages", "socket", "socket-ticket", "_next", "..", "%2e%2e", "%00", "__proto__", SESSION),
      fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
    );
    const header = fc.oneof(
      fc.constantFrom("content-type", "content-length", "origin", "sec-fetch-site", "upgrade", "connection", "x-forwarded-for", "cf-connecting-ip", "authorization", "accept", "x-chat-owner", "x-internal-key"),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    );
    // Header values a client can send: printable ASCII without line breaks.
    const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"),
          path: fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join("/")}`),
          headers: fc.dictionary(header, headerValue, { maxKeys: 4 }),
          body: fc.option(body, { nil: undefined }),
        }),
        async ({ method, path, headers, body: data }) => {
          // Lengths that lie are refused by the HTTP client before sending; the server's own parser is not ours to fuzz.
          delete headers["content-length"];
          const response = await request.fetch(path, { method, headers, data: data === undefined || method === "GET" || method === "HEAD" ? undefined : Buffer.from(data), maxRedirects: 0 });
          await expectNoServerError(response, `${method} ${path} ${JSON.stringify(headers)}`);
        },
      ),
      { numRuns: RUNS * 4, seed: 20261123 },
    );
  });

  test("a malformed owner cookie is treated as absent: a fresh one is issued", async ({ request }) => {
    for (const bad of ["tutor_owner=x.A", "tutor_owner=%E0%A4%A"]) {
      const response = await request.get("/api/health", { headers: { cookie: bad } });
      expect(response.status()).toBe(200);
      expect(response.headers()["set-cookie"] ?? "").toMatch(/^tutor_owner=owner-[0-9a-f]{32}\./);
    }
  });

  test("a bot's malformed body is a 400, not 'persistence unavailable'", async ({ request }) => {
    const response = await request.post("/api/queue/claim", { headers: { authorization: "Bearer anything", "content-type": "application/json" }, data: Buffer.from("{not json") });
    expect(response.status()).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_request" } });
  });
});
