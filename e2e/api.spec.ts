import { createSessionId } from "../lib/ids";
import { expect, test, type APIRequestContext } from "./support/test";
import { LIMITS } from "../lib/rate-limits";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";

/**
 * Every session endpoint against bad input: a clear 4xx JSON error, and
 * nothing changed. Runs against the production build with the sidecar.
 */
const unknownSession = () => `session-${Date.now()}-${"0".repeat(31)}1`;

async function createSession(request: APIRequestContext) {
  const sessionId = createSessionId();
  const created = await request.post(`/api/chat/session/${sessionId}/messages`, { data: { content: "first message" } });
  expect(created.status()).toBe(201);
  return sessionId;
}

async function expectError(response: Awaited<ReturnType<APIRequestContext["get"]>>, status: number, code: string) {
  expect(response.status()).toBe(status);
  const body = await response.json();
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/); // no stack traces
}

test.describe("session API input validation", () => {
  test.beforeAll(() => startSidecar());

  test("sets an HttpOnly, SameSite=Lax owner cookie on first use", async ({ request }) => {
    const response = await request.post(`/api/chat/session/${unknownSession().replace(/1$/, "2")}/messages`, {
      data: { content: "hi" },
    });
    expect(response.status()).toBe(201);
    const cookie = response.headers()["set-cookie"] ?? "";
    expect(cookie).toMatch(/tutor_owner=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  test("rejects bad bodies on POST messages and stores nothing", async ({ request }) => {
    const sessionId = await createSession(request);
    const url = `/api/chat/session/${sessionId}/messages`;
    await expectError(await request.post(url, { headers: { "content-type": "application/json" }, data: "{not json" }), 400, "bad_request");
    await expectError(await request.post(url, { data: { content: 42 } }), 400, "bad_request");
    await expectError(await request.post(url, { data: { content: "   " } }), 400, "bad_request");
    await expectError(await request.post(url, { data: { content: "x".repeat(4_001) } }), 400, "bad_request");
    await expectError(await request.post(url, { data: { content: "hi", role: "assistant" } }), 400, "bad_request");
    await expectError(await request.post(url, { data: { content: "y".repeat(40_000) } }), 413, "payload_too_large");
    await expectError(await request.post(url, { headers: { "content-type": "text/plain" }, data: "hello" }), 415, "unsupported_media_type");

    const state = await (await request.get(`/api/chat/session/${sessionId}`)).json();
    expect(state.messages.filter((m: { role: string }) => m.role === "user").map((m: { content: string }) => m.content)).toEqual([
      "first message",
    ]);
  });

  test("rejects bad PATCH bodies and changes nothing", async ({ request }) => {
    const sessionId = await createSession(request);
    const url = `/api/chat/session/${sessionId}`;
    const before = await (await request.get(url)).json();
    await expectError(await request.patch(url, { headers: { "content-type": "application/json" }, data: "[1," }), 400, "bad_request");
    await expectError(await request.patch(url, { data: {} }), 400, "bad_request");
    await expectError(await request.patch(url, { data: { availableTutors: "lots" } }), 400, "bad_request");
    await expectError(await request.patch(url, { data: { searchCriteria: { day: "someday" } } }), 400, "bad_request");
    await expectError(await request.patch(url, { data: { messages: [] } }), 400, "bad_request");
    await expectError(await request.patch(url, { data: { bookingInfo: null, padding: "z".repeat(40_000) } }), 413, "payload_too_large");
    const after = await (await request.get(url)).json();
    expect(after).toEqual(before);
  });

  test("rejects bad paging parameters", async ({ request }) => {
    const sessionId = await createSession(request);
    for (const query of ["after=-1", "after=abc", "limit=0", "limit=100000", "before=0"]) {
      await expectError(await request.get(`/api/chat/session/${sessionId}/messages?${query}`), 400, "bad_request");
    }
    const page = await (await request.get(`/api/chat/session/${sessionId}/messages?after=0&limit=1`)).json();
    expect(page.messages).toHaveLength(1);
    expect(page.hasMore).toBe(true);
  });

  test("answers 404 for unknown, malformed and other owners' sessions", async ({ request, playwright, baseURL }) => {
    const sessionId = await createSession(request);
    await expectError(await request.get(`/api/chat/session/${unknownSession()}`), 404, "not_found");
    await expectError(await request.get(`/api/chat/session/${unknownSession()}/messages`), 404, "not_found");
    await expectError(await request.patch(`/api/chat/session/${unknownSession()}`, { data: { bookingInfo: null } }), 404, "not_found");
    await expectError(await request.get(`/api/chat/session/not-a-session-id`), 404, "not_found");
    await expectError(await request.get(`/api/chat/session/${"session-1-" + "g".repeat(32)}`), 404, "not_found");

    const stranger = await playwright.request.newContext({ baseURL });
    await expectError(await stranger.get(`/api/chat/session/${sessionId}`), 404, "not_found");
    await expectError(await stranger.get(`/api/chat/session/${sessionId}/messages?after=0`), 404, "not_found");
    await expectError(await stranger.patch(`/api/chat/session/${sessionId}`, { data: { bookingInfo: null } }), 404, "not_found");
    await expectError(await stranger.post(`/api/chat/session/${sessionId}/messages`, { data: { content: "intrusion" } }), 404, "not_found");
    // A forged cookie is no owner at all.
    const forged = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: "tutor_owner=owner-" + "a".repeat(32) + ".AAAA" } });
    await expectError(await forged.get(`/api/chat/session/${sessionId}`), 404, "not_found");
    await stranger.dispose();
    await forged.dispose();

    const state = await (await request.get(`/api/chat/session/${sessionId}`)).json();
    expect(state.messages.map((m: { content: string }) => m.content)).not.toContain("intrusion");
  });
});

test.describe("owner cookie", () => {
  test.beforeAll(() => startSidecar());

  test("is minted once by the first request, so parallel requests share one owner", async ({ playwright, baseURL }) => {
    const browserLike = await playwright.request.newContext({ baseURL });
    const health = await browserLike.get("/api/health");
    expect(health.headers()["set-cookie"]).toMatch(/tutor_owner=/);
    const sessionId = createSessionId();
    const [posted, listed] = await Promise.all([
      browserLike.post(`/api/chat/session/${sessionId}/messages`, { data: { content: "parallel" } }),
      browserLike.get("/api/chats"),
    ]);
    expect(posted.status()).toBe(201);
    expect(listed.headers()["set-cookie"]).toBeUndefined();
    expect((await browserLike.get(`/api/chat/session/${sessionId}`)).status()).toBe(200);
    await browserLike.dispose();
  });
});

test.describe("cross-site requests", () => {
  test.beforeAll(() => startSidecar());

  test("refuses a state change sent from another site's page, and changes nothing", async ({ request, baseURL }) => {
    const sessionId = await createSession(request);
    const evil = { origin: "https://evil.example" };
    await expectError(await request.post(`/api/chat/session/${sessionId}/messages`, { headers: evil, data: { content: "forged" } }), 403, "forbidden");
    await expectError(await request.patch(`/api/chat/session/${sessionId}`, { headers: evil, data: { searchCriteria: null } }), 403, "forbidden");
    await expectError(await request.delete(`/api/chats/${sessionId}`, { headers: evil }), 403, "forbidden");
    await expectError(await request.post(`/api/chat/session/${sessionId}/socket-ticket`, { headers: evil }), 403, "forbidden");
    const state = await (await request.get(`/api/chat/session/${sessionId}`)).json();
    expect(state.messages.map((m: { content: string }) => m.content)).not.toContain("forged");
    // The site's own pages pass.
    const own = await request.post(`/api/chat/session/${sessionId}/messages`, { headers: { origin: new URL(baseURL!).origin }, data: { content: "from my own page" } });
    expect(own.status()).toBe(201);
  });
});

test.describe("rate limits over HTTP", () => {
  test.beforeAll(() => startSidecar());

  test("answers a flood of messages with 429, Retry-After and a JSON error, and stores none of the refused", async ({ request }) => {
    const sessionId = await createSession(request);
    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<APIRequestContext["post"]>> | null = null;
    for (let i = 0; i < 20 && !refusal; i++) {
      const response = await request.post(`/api/chat/session/${sessionId}/messages`, { data: { content: `flood ${i}` } });
      statuses.push(response.status());
      if (response.status() === 429) refusal = response;
    }
    expect(refusal, `statuses: ${statuses.join(",")}`).not.toBeNull();
    expect(Number(refusal!.headers()["retry-after"])).toBeGreaterThan(0);
    expect(await refusal!.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringMatching(/wait/), retryAfterSeconds: expect.any(Number) } });
    const state = await (await request.get(`/api/chat/session/${sessionId}`)).json();
    const stored = state.messages.filter((m: { role: string }) => m.role === "user").length;
    expect(stored).toBe(statuses.filter((status) => status === 201).length + 1); // + the first message
  });
});

test.describe("rate limits over HTTP: every write path", () => {
  test.beforeAll(() => startSidecar());

  test("answers 300 PATCHes in a row with 429 and Retry-After past the chat's limit, and keeps what was saved before it", async ({ request }) => {
    const sessionId = await createSession(request);
    const started = Date.now();
    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<APIRequestContext["patch"]>> | null = null;
    for (let i = 0; i < 300; i++) {
      // A field the server takes as sent (a skill must be one a tutor teaches, so a made-up one would be a 400).
      const response = await request.patch(`/api/chat/session/${sessionId}`, { data: { searchCriteria: { excludeTutorIds: [`tutor-${i}`] } } });
      statuses.push(response.status());
      if (response.status() === 429) refusal ??= response;
    }
    // The bucket refills one PATCH per refill while the loop runs: at most that many more went through.
    const refilled = Math.ceil((Date.now() - started) / LIMITS.patchesPerChat.refillEveryMs);
    const saved = statuses.filter((status) => status === 200).length;
    expect(saved).toBeGreaterThanOrEqual(LIMITS.patchesPerChat.capacity);
    expect(saved).toBeLessThanOrEqual(LIMITS.patchesPerChat.capacity + refilled);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(Number(refusal!.headers()["retry-after"])).toBeGreaterThan(0);
    expect(await refusal!.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringMatching(/wait/i), retryAfterSeconds: expect.any(Number) } });
    const lastSaved = statuses.lastIndexOf(200);
    const state = await (await request.get(`/api/chat/session/${sessionId}`)).json();
    expect(state.searchCriteria.excludeTutorIds).toEqual([`tutor-${lastSaved}`]);
  });

  test("limits socket tickets per browser, the chat's and the bell's together", async ({ request }) => {
    const sessionId = await createSession(request);
    let first429: number | null = null;
    for (let i = 0; i < LIMITS.socketTicketsPerOwner.capacity + 200 && first429 === null; i++) {
      const response = await request.post(i % 2 ? "/api/notifications/socket-ticket" : `/api/chat/session/${sessionId}/socket-ticket`);
      if (response.status() === 429) {
        first429 = i;
        expect(Number(response.headers()["retry-after"])).toBeGreaterThan(0);
      } else expect(response.status()).toBe(200);
    }
    expect(first429, "no 429 at all").not.toBeNull();
    expect(first429).toBeGreaterThanOrEqual(LIMITS.socketTicketsPerOwner.capacity);
  });
});

test.describe("chat sockets at the edge", () => {
  test.beforeAll(() => startSidecar());

  test("opens no socket without a valid ticket whatever the method, nor for another site", async ({ request, baseURL }) => {
    const sessionId = await createSession(request);
    const path = `/api/chat/session/${sessionId}/socket?ticket=x`;
    // workerd presents every upgrade as a GET: what decides is the ticket (RFC 6455 would want GET).
    for (const method of ["GET", "POST", "PUT", "DELETE"]) {
      await expectError(await request.fetch(path, { method, headers: { upgrade: "websocket", origin: baseURL! } }), 401, "unauthorized");
    }
    await expectError(await request.get(path, { headers: { upgrade: "websocket", origin: "https://evil.example" } }), 403, "forbidden");
  });
});

test.describe("rate limits in the chat", () => {
  test.beforeAll(() => startSidecar());

  test("shows a friendly line when a student has started too many chats, keeps their text and stores nothing", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    // This browser (its owner cookie) starts LIMITS.chatsPerOwner chats, as a script would.
    for (let i = 0; i < LIMITS.chatsPerOwner.limit; i++) await createSession(page.request);
    const listed = async () => (await (await page.request.get("/api/chats")).json()).chats.length;
    expect(await listed()).toBe(LIMITS.chatsPerOwner.limit);

    await page.getByTestId("new-chat").click();
    await chat.input.fill("One more chat, please");
    await page.getByTestId("send").click();
    await expect(page.getByTestId("chat").getByRole("alert")).toContainText("You have started a lot of new chats");
    await expect(chat.input).toHaveValue("One more chat, please");
    await expect(page.getByTestId("reconnecting")).toHaveCount(0);
    await expect(chat.userMessages()).toHaveCount(0);
    expect(await listed()).toBe(LIMITS.chatsPerOwner.limit);
  });
});

test.describe("security headers", () => {
  test.beforeAll(() => startSidecar());

  test("every page and API answer carries them", async ({ request }) => {
    for (const path of ["/", "/tutors", "/bookings", "/api/health", "/api/chats", "/api/chat/session/not-a-session"]) {
      const headers = (await request.get(path)).headers();
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["x-frame-options"], path).toBe("DENY");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["permissions-policy"], path).toContain("camera=()");
    }
  });

  test("static assets carry them too, though Workers static assets answer them before worker.ts runs (public/_headers)", async ({ request }) => {
    const html = await (await request.get("/")).text();
    const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, "a script under /_next/static").toBeTruthy();
    for (const path of [script!, "/BUILD_ID"]) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(200);
      const headers = response.headers();
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["x-frame-options"], path).toBe("DENY");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["permissions-policy"], path).toContain("camera=()");
      expect(headers["strict-transport-security"], path).toContain("max-age=31536000");
    }
  });

  test("scripts run only with the answer's own nonce, new on every answer", async ({ request }) => {
    const nonces = new Set<string>();
    for (const path of ["/", "/tutors", "/bookings", "/"]) {
      const response = await request.get(path);
      const policy = response.headers()["content-security-policy"] ?? "";
      const scriptSrc = policy.split(";").find((directive) => directive.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc, path).not.toContain("unsafe-inline");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.add(nonce!);
      const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(4);
  });

  test("the pages work under the policy (the CSP fixture fails any violation)", async ({ page }) => {
    for (const path of ["/tutors", "/bookings", "/"]) {
      await page.goto(path);
      await expect(page.locator("main")).toBeVisible();
    }
    // Next's scripts ran: the chat hydrates, connects and answers.
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send("hello");
  });
});
