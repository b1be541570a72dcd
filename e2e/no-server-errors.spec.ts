import fc from "fast-check";
import { expect, test, type APIRequestContext } from "./support/test";
import { startSidecar } from "./support/sidecar";

/**
 * Property-based: whatever a client sends (cookies, query strings, path ids,
 * bodies, content types), every route answers below 500, with a JSON error for
 * a 4xx and never a stack trace. Runs against the production build with the sidecar.
 */

const SESSION = "session-1700000000000-0123456789abcdef0123456789abcdef";

/** Cookie headers: valid-looking, malformed base64, bad % escapes, any printable ASCII (what a header can carry). */
const cookie = fc.oneof(
  fc.constant(""),
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
);

const pathId = fc.oneof(fc.constant(SESSION), fc.constantFrom("constructor", "__proto__", "%zz", "..", "session-1-2"), fc.string({ minLength: 1, maxLength: 60 }));

type Route = { method: "GET" | "POST" | "PATCH" | "DELETE"; path: (id: string, q: string) => string; body?: boolean };
const ROUTES: Route[] = [
  { method: "GET", path: () => "/api/health" },
  { method: "GET", path: (id) => `/api/chat/session/${id}` },
  { method: "PATCH", path: (id) => `/api/chat/session/${id}`, body: true },
  { method: "GET", path: (id, q) => `/api/chat/session/${id}/messages?after=${q}&limit=${q}&before=${q}` },
  { method: "POST", path: (id) => `/api/chat/session/${id}/messages`, body: true },
  { method: "POST", path: (id) => `/api/chat/session/${id}/socket-ticket` },
  { method: "GET", path: (_id, q) => `/api/chats?deleted=${q}` },
  { method: "DELETE", path: (id) => `/api/chats/${id}` },
  { method: "POST", path: (id) => `/api/chats/${id}/restore` },
  { method: "GET", path: () => "/api/bookings" },
  { method: "POST", path: () => "/api/assistant", body: true },
  { method: "GET", path: (_id, q) => `/tutors?q=${q}` },
  { method: "GET", path: (_id, q) => `/api/queue/pending?limit=${q}` },
  { method: "POST", path: () => "/api/queue/claim", body: true },
  { method: "POST", path: () => "/api/queue/claim-next", body: true },
  { method: "POST", path: () => "/api/queue/complete", body: true },
  { method: "PATCH", path: (id) => `/api/queue/${id}`, body: true },
  { method: "GET", path: (id, q) => `/api/conversation?sessionId=${id}&limit=${q}` },
  { method: "GET", path: (_id, q) => `/api/comments?after=${q}` },
];

async function send(request: APIRequestContext, route: Route, input: { id: string; q: string; cookie: string; body: string; json: boolean; bot: boolean }) {
  const url = route.path(encodeURIComponent(input.id), encodeURIComponent(input.q));
  const headers: Record<string, string> = {};
  if (input.cookie) headers.cookie = input.cookie;
  if (input.bot) headers.authorization = "Bearer not-the-token";
  if (route.body) headers["content-type"] = input.json ? "application/json" : "text/plain";
  // A Buffer goes out byte for byte (a string with a JSON content type would be JSON-encoded again).
  return request.fetch(url, { method: route.method, headers, data: route.body ? Buffer.from(input.body) : undefined, maxRedirects: 0 });
}

test.describe("no input makes a route answer 5xx", () => {
  test.beforeAll(() => startSidecar());

  for (const route of ROUTES) {
    test(`${route.method} ${route.path(":id", ":q")}`, async ({ request }) => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ id: pathId, q: queryValue, cookie, body, json: fc.boolean(), bot: fc.boolean() }),
          async (input) => {
            const response = await send(request, route, input);
            expect(response.status(), `${route.method} ${JSON.stringify(input)}`).toBeLessThan(500);
            const text = await response.text();
            expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
            if (response.status() >= 400 && response.headers()["content-type"]?.includes("json")) {
              expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
            }
          },
        ),
        { numRuns: 40, seed: 20261123 },
      );
    });
  }

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
