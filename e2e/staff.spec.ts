import { expect, test } from "./support/test";
import { ChatPage } from "./pages/chat";
import { startSidecar } from "./support/sidecar";
import { invite, PORT, seriousViolations, SITE, withPasskeys } from "./support/staff";

/**
 * Staff sign-in with passkeys on the production build, with Chromium's virtual
 * authenticator (helpers in ./support/staff.ts, shared with the other staff specs).
 */

test.describe("staff sign-in with a passkey", () => {
  test.beforeAll(() => startSidecar());

  test("an invited admin registers a passkey, signs out, signs in again and invites a colleague", async ({ page }) => {
    await withPasskeys(page);
    const email = `admin-${Date.now()}@center.example`;
    await page.goto(invite(email, "admin"));
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText(`Signed in as ${email} (Admin)`);
    expect(await seriousViolations(page)).toEqual([]);

    // The staff header, not the student's menu: every section an admin uses, and the way home from each.
    const header = page.getByRole("navigation", { name: "Staff console" });
    expect(await header.getByRole("link").allTextContents()).toEqual(["Console", "Inbox", "Schedule", "Tutors", "Settings", "Analytics", "Members"]);
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "My bookings" })).toHaveCount(0);
    await expect(page.getByTestId("notification-bell")).toHaveCount(0);
    await header.getByRole("link", { name: "Tutors" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Tutors" })).toBeVisible();
    await expect(header.getByRole("link", { name: "Tutors" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await header.getByRole("link", { name: "Console" }).click();
    await expect(page.getByTestId("staff-member")).toContainText(email);
    // Back on a student's page, the student's menu again.
    await page.goto(`${SITE}/tutors`);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My bookings" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Staff console" })).toHaveCount(0);
    await page.goto(`${SITE}/staff`);

    // The link worked once.
    const again = await page.request.post(`${new URL(page.url()).origin}/api/staff/invite/${"x".repeat(43)}/options`, { headers: { origin: SITE } });
    expect(again.status()).toBe(404);

    await page.getByTestId("sign-out").click();
    await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
    // Signed out, the header offers no section any more.
    await expect(page.getByRole("navigation", { name: "Staff console" })).toHaveCount(0);
    expect((await page.request.get(`${SITE}/api/staff/me`)).status()).toBe(401);
    await page.goto(`${SITE}/staff`);
    await expect(page).toHaveURL(/\/staff\/sign-in$/);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId("sign-in-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText(email);

    await page.getByLabel("Colleague's email").fill(`tutor-${Date.now()}@center.example`);
    await page.getByLabel("Role").selectOption("tutor");
    await page.getByRole("button", { name: "Create invite link" }).click();
    await expect(page.getByTestId("invite-link")).toContainText(`${SITE}/staff/invite/`);
  });

  test("a used invite link says so, and the staff pages hold nothing for a student", async ({ page }) => {
    await withPasskeys(page);
    const link = invite(`staff-${Date.now()}@center.example`, "staff");
    await page.goto(link);
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Staff)");
    // Not an admin: no invite form, and the API refuses too.
    await expect(page.getByRole("heading", { name: "Invite a colleague" })).toHaveCount(0);
    const refused = await page.request.post(`${SITE}/api/staff/invites`, { headers: { origin: SITE }, data: { email: "x@center.example", role: "admin" } });
    expect(refused.status()).toBe(403);

    const student = await page.context().browser()!.newContext();
    const studentPage = await student.newPage();
    await withPasskeys(studentPage);
    await studentPage.goto(link);
    await studentPage.getByTestId("register-passkey").click();
    await expect(studentPage.locator("main").getByRole("alert")).toContainText("already used");
    await studentPage.goto(`${SITE}/staff`);
    await expect(studentPage).toHaveURL(/\/staff\/sign-in$/);
    await student.close();
  });
});

test.describe("the hand-off inbox", () => {
  test.beforeAll(() => startSidecar());

  test("a staff member answers what a student left for the center, and the student sees it in their chat as theirs", async ({ page, browser }) => {
    const student = await browser.newContext();
    const chat = new ChatPage(await student.newPage());
    await chat.open();
    const note = `can someone call me about my schedule? ${Date.now()}`;
    // The words are shown back first, question mark and all, and go only on a yes.
    await chat.send(`Leave a message for the tutoring center: ${note}`);
    await expect(chat.assistantMessages().last()).toContainText(`I'll send this to the tutoring center: «${note}». Send it?`);
    await chat.clickQuickReply("Yes");
    await expect(chat.assistantMessages().last()).toContainText("Staff answer in this chat when they can");

    await withPasskeys(page);
    await page.goto(invite(`desk-${Date.now()}@center.example`, "staff"));
    await page.getByTestId("register-passkey").click();
    // The first answer held back, as on a slow first load: the inbox says it is loading, not a bare "Waiting".
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      "**/api/staff/inbox",
      async (route) => {
        await held;
        await route.continue();
      },
      { times: 1 },
    );
    await page.getByRole("main").getByRole("link", { name: /^Inbox/ }).click();
    await expect(page.getByTestId("inbox-state")).toHaveText("Loading the inbox…");
    release();
    await expect(page.getByTestId("inbox-item").first()).toBeVisible();
    await expect(page.getByTestId("inbox-state")).toHaveCount(0);
    // The name students will see on this member's replies.
    await page.getByLabel("Your name in students' chats").fill("Sam");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect(page.getByTestId("reply-name-preview")).toContainText("Sam · Tutoring center");
    // The student's own words reach the inbox, not a placeholder.
    const item = page.getByTestId("inbox-item").filter({ hasText: note });
    await expect(item).toContainText(note);
    await item.getByRole("button", { name: "Open and answer" }).click();
    await expect(page.getByTestId("open-message").locator("blockquote")).toContainText(note);
    // The student sees who has their message: a person, named, not the assistant.
    await expect(chat.page.getByTestId("thinking")).toContainText("Sam from the tutoring center is typing…");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel(/^Your reply/).fill("I will call you at 3 pm today.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await expect(page.locator("main").getByRole("status").filter({ hasText: "Sent" })).toBeVisible();
    const answer = chat.assistantMessages().filter({ hasText: "I will call you at 3 pm today." });
    await expect(answer).toHaveCount(1);
    await expect(answer.getByTestId("message-author")).toContainText("Sam · Tutoring center");
    // Stored as theirs: a reload shows the same name.
    await chat.page.reload();
    await expect(chat.assistantMessages().filter({ hasText: "I will call you at 3 pm today." }).getByTestId("message-author")).toContainText("Sam · Tutoring center");
    expect(await seriousViolations(chat.page)).toEqual([]);
    await expect(page.getByTestId("inbox-item").filter({ hasText: note })).toHaveCount(0);
    await student.close();
  });
});

test.describe("every staff API route refuses who may not use it, and changes nothing", () => {
  test.beforeAll(() => startSidecar());

  const ROUTES: { method: "GET" | "POST" | "PUT" | "DELETE"; path: string; body?: unknown }[] = [
    { method: "GET", path: "/api/staff/me" },
    { method: "PUT", path: "/api/staff/me/name", body: { displayName: "Hijacked" } },
    { method: "POST", path: "/api/staff/invites", body: { email: "new@center.example", role: "admin" } },
    { method: "POST", path: "/api/staff/sign-in", body: { challengeId: crypto.randomUUID(), response: {} } },
    { method: "POST", path: `/api/staff/invite/${"a".repeat(43)}/register`, body: { challengeId: crypto.randomUUID(), response: {} } },
    { method: "GET", path: "/api/staff/inbox" },
    { method: "POST", path: "/api/staff/inbox/claim", body: { messageId: "m-1:handoff" } },
    { method: "POST", path: "/api/staff/inbox/reply", body: { messageId: "m-1:handoff", leaseId: "l", reply: "hi" } },
    { method: "GET", path: "/api/staff/inbox/dead-letters" },
    { method: "POST", path: "/api/staff/inbox/requeue", body: { messageId: "m-1:handoff" } },
    { method: "GET", path: "/api/staff/schedule?from=2031-03-03" },
    { method: "POST", path: "/api/staff/schedule/cancel", body: { bookingId: `bk-${"0".repeat(32)}`, reason: "closed" } },
    { method: "POST", path: "/api/staff/schedule/attendance", body: { bookingId: `bk-${"0".repeat(32)}`, attendance: "no_show" } },
    { method: "POST", path: "/api/staff/schedule/note", body: { bookingId: `bk-${"0".repeat(32)}`, note: "hi" } },
    { method: "GET", path: "/api/staff/settings" },
    { method: "PUT", path: "/api/staff/settings", body: { name: "Hijacked", minLeadMinutes: 0 } },
    { method: "POST", path: "/api/staff/settings/closed-dates", body: { date: "2030-01-01", reason: "x" } },
    { method: "DELETE", path: "/api/staff/settings/closed-dates/2030-01-01" },
    { method: "GET", path: "/api/staff/settings/sign-in" },
    { method: "PUT", path: "/api/staff/settings/sign-in", body: { issuer: "https://evil.example", clientId: "x", allowedDomains: "", staffClaim: null, staffValues: "", adminValues: "", label: null } },
    { method: "DELETE", path: "/api/staff/settings/sign-in" },
    { method: "GET", path: "/api/staff/tutors" },
    { method: "POST", path: "/api/staff/tutors", body: { name: "New Tutor", bio: "", mode: "online", subjects: ["Chess"], hours: [{ day: "monday", start: "09:00", end: "10:00" }] } },
    { method: "GET", path: "/api/staff/tutors/t-001" },
    { method: "PUT", path: "/api/staff/tutors/t-001", body: { name: "Renamed", bio: "", mode: "online", subjects: ["Python"], hours: [{ day: "monday", start: "09:00", end: "10:00" }] } },
    { method: "POST", path: "/api/staff/tutors/t-001/retire" },
    { method: "GET", path: "/api/staff/analytics?from=2026-11-01&to=2026-11-07&granularity=day" },
    { method: "GET", path: "/api/staff/analytics.csv?from=2026-11-01&to=2026-11-07&granularity=day" },
    { method: "GET", path: "/api/staff/members" },
    { method: "PUT", path: "/api/staff/members/staff-0123456789abcdef0123456789abcdef/role", body: { role: "admin" } },
    { method: "POST", path: "/api/staff/members/staff-0123456789abcdef0123456789abcdef/disable" },
    { method: "POST", path: "/api/staff/members/staff-0123456789abcdef0123456789abcdef/enable" },
    { method: "POST", path: "/api/staff/members/staff-0123456789abcdef0123456789abcdef/passkey-link" },
    { method: "DELETE", path: "/api/staff/members/staff-0123456789abcdef0123456789abcdef/passkeys/AAAA" },
    { method: "GET", path: "/api/staff/invites" },
    { method: "DELETE", path: `/api/staff/invites/${"0".repeat(64)}` },
  ];

  test("no session, a student's cookie, a forged staff cookie: 4xx JSON, never staff data", async ({ request }) => {
    const studentCookie = (await request.get("/api/health")).headers()["set-cookie"]?.split(";")[0] ?? "";
    for (const cookie of ["", studentCookie, "tutor_staff=forged", `tutor_staff=${"A".repeat(43)}`]) {
      for (const route of ROUTES) {
        const response = await request.fetch(route.path, { method: route.method, headers: { cookie, origin: `http://127.0.0.1:${PORT}` }, data: route.body });
        expect([400, 401, 404], `${route.method} ${route.path} with ${cookie || "no cookie"}`).toContain(response.status());
        expect(await response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
  });

  test("a state change from another site is refused before anything else", async ({ request }) => {
    for (const route of ROUTES.filter((entry) => entry.method !== "GET")) {
      const response = await request.fetch(route.path, { method: route.method, headers: { origin: "https://evil.example" }, data: route.body });
      expect(response.status(), route.path).toBe(403);
    }
    expect((await request.post("/api/staff/sign-out", { headers: { origin: "https://evil.example" } })).status()).toBe(403);
  });
});
