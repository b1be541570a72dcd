import { execFileSync } from "node:child_process";
import { createSessionId } from "../lib/ids";
import { OWNER_COOKIE } from "../lib/server/owner-cookie";
import { expect, test, type Page } from "./support/test";
import { startSidecar } from "./support/sidecar";

/**
 * Two centers in one deployment, told apart by host name (docs/centers.md): "math", made with
 * `npm run center:create` at math.localhost, and the first center at localhost. Chromium resolves
 * every *.localhost to this machine, so one browser visits both, with a cookie jar per host.
 */
const PORT = Number(process.env.WEB_PORT ?? 8787);
const MATH = `http://math.localhost:${PORT}`;
const MAIN = `http://localhost:${PORT}`;

/** The center, made once per stack: a rerun against the same local D1 finds it there and is refused, which is fine. */
function createMathCenter(): void {
  try {
    const out = execFileSync("node", ["scripts/center-create.mjs", "--id", "math", "--name", "Math Lab", "--host", "math.localhost", "--admin-email", "admin@math.edu", "--base-url", MATH], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toContain(`${MATH}/staff/invite/`);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "");
    if (!stderr.includes('A center with the id "math" exists already')) throw error;
  }
}

/** A JSON call from the page itself (its origin, its cookies), as the app's own scripts make it. */
async function call(page: Page, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ path, body }) => {
      const response = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: response.status, json: await response.json() };
    },
    { path, body },
  );
}

async function ownerCookie(page: Page, url: string): Promise<string | undefined> {
  const cookie = (await page.context().cookies(url)).find((c) => c.name === OWNER_COOKIE);
  return cookie ? decodeURIComponent(cookie.value) : undefined;
}

function chatIds(list: unknown): string[] {
  return ((list as { chats?: Array<{ id: string }> }).chats ?? []).map((chat) => chat.id);
}

test.describe("centers by host", () => {
  test.beforeAll(async () => {
    createMathCenter();
    await startSidecar();
  });

  test("a student at math.localhost is the math lab's, and the same browser at localhost is someone else", async ({ page }) => {
    await page.goto(`${MATH}/`);
    await expect.poll(() => ownerCookie(page, MATH)).toMatch(/^owner-[0-9a-f]{32}\.math\./);
    const mathOwner = (await ownerCookie(page, MATH))!;

    const sessionId = createSessionId();
    expect((await call(page, `/api/chat/session/${sessionId}/messages`, { content: "Hello from the math lab" })).status).toBe(201);
    const atMath = await call(page, "/api/chats");
    expect(atMath.status).toBe(200);
    expect(chatIds(atMath.json)).toContain(sessionId);

    // The first center, same browser: its own owner (the math cookie is not sent to another host), none of math's chats.
    await page.goto(`${MAIN}/`);
    await expect.poll(() => ownerCookie(page, MAIN)).toMatch(/^owner-[0-9a-f]{32}\./);
    const mainOwner = (await ownerCookie(page, MAIN))!;
    expect(mainOwner.split(".")[0]).not.toBe(mathOwner.split(".")[0]);
    expect(mainOwner).not.toMatch(/\.math\./);
    const atMain = await call(page, "/api/chats");
    expect(atMain.status).toBe(200);
    expect(chatIds(atMain.json)).not.toContain(sessionId);
    expect((await call(page, `/api/chat/session/${sessionId}`)).status).toBe(404);
  });

  test("a math owner cookie copied to localhost is ignored: a fresh first-center owner, none of math's chats", async ({ page }) => {
    await page.goto(`${MATH}/`);
    await expect.poll(() => ownerCookie(page, MATH)).toMatch(/\.math\./);
    const sessionId = createSessionId();
    expect((await call(page, `/api/chat/session/${sessionId}/messages`, { content: "Mine, at math" })).status).toBe(201);
    const mathCookie = (await page.context().cookies(MATH)).find((c) => c.name === OWNER_COOKIE)!;

    await page.context().clearCookies();
    await page.context().addCookies([{ ...mathCookie, domain: "localhost" }]);
    await page.goto(`${MAIN}/`);
    await expect.poll(() => ownerCookie(page, MAIN)).not.toMatch(/\.math\./);
    expect(await ownerCookie(page, MAIN)).toMatch(/^owner-[0-9a-f]{32}\./);
    expect(chatIds((await call(page, "/api/chats")).json)).not.toContain(sessionId);
    expect((await call(page, `/api/chat/session/${sessionId}`)).status).toBe(404);

    // Back at math with its own cookie, the chat is there.
    await page.context().clearCookies();
    await page.context().addCookies([mathCookie]);
    await page.goto(`${MATH}/`);
    expect(chatIds((await call(page, "/api/chats")).json)).toContain(sessionId);
  });

  test("a math socket ticket opens its chat's socket at math.localhost, and nothing at localhost", async ({ page }) => {
    await page.goto(`${MATH}/`);
    await expect.poll(() => ownerCookie(page, MATH)).toMatch(/\.math\./);
    const sessionId = createSessionId();
    expect((await call(page, `/api/chat/session/${sessionId}/messages`, { content: "Live at the math lab" })).status).toBe(201);
    const tickets = [];
    for (let i = 0; i < 2; i++) {
      const answer = await call(page, `/api/chat/session/${sessionId}/socket-ticket`, {});
      expect(answer.status).toBe(200);
      tickets.push((answer.json as { ticket: string }).ticket);
    }
    const path = (ticket: string) => `/api/chat/session/${sessionId}/socket?ticket=${encodeURIComponent(ticket)}`;
    expect(await openSocket(page, path(tickets[0]!))).toBe("open");

    await page.goto(`${MAIN}/`);
    expect(await openSocket(page, path(tickets[1]!))).toBe("refused");
  });
});

/** Opens a WebSocket from the page to its own host: "open", or "refused" when it closes without opening. */
function openSocket(page: Page, path: string): Promise<"open" | "refused"> {
  return page.evaluate(
    (path) =>
      new Promise<"open" | "refused">((resolve) => {
        const socket = new WebSocket(new URL(path, location.href.replace(/^http/, "ws")));
        socket.addEventListener("open", () => {
          socket.close();
          resolve("open");
        });
        socket.addEventListener("close", () => resolve("refused"));
      }),
    path,
  );
}
