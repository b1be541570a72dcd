import { startSidecar } from "./support/sidecar";
import { invite, seriousViolations, SITE, withPasskeys } from "./support/staff";
import { expect, test } from "./support/test";

/**
 * Taking staff access away on the production build: an admin disables a
 * member from /staff/members and that member's open session, in another
 * browser, is refused on its next request. Also: the page and its API are
 * for admins only, an existing member cannot be invited again, and the
 * WebAuthn relying party comes from the configuration, not the Host header.
 */

test.describe("staff members", () => {
  test.beforeAll(() => startSidecar());

  test("an admin disables a member from the page, and the member's open session is refused at once", async ({ page, browser }) => {
    const stamp = Date.now();
    const memberEmail = `desk-${stamp}@center.example`;
    const colleague = await browser.newContext();
    const desk = await colleague.newPage();
    await withPasskeys(desk);
    await desk.goto(invite(memberEmail, "staff"));
    await desk.getByTestId("register-passkey").click();
    await expect(desk.getByTestId("staff-member")).toContainText("(Staff)");
    // Not an admin: no link to the members page, and its API refuses.
    await expect(desk.getByRole("link", { name: /^Staff members/ })).toHaveCount(0);
    expect((await desk.request.get(`${SITE}/api/staff/members`)).status()).toBe(403);
    expect((await desk.request.get(`${SITE}/api/staff/invites`)).status()).toBe(403);
    await desk.goto(`${SITE}/staff/inbox`);
    await expect(desk.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();

    await withPasskeys(page);
    const adminEmail = `admin-${stamp}@center.example`;
    await page.goto(invite(adminEmail, "admin"));
    await page.getByTestId("register-passkey").click();
    await expect(page.getByTestId("staff-member")).toContainText("(Admin)");

    // Inviting the member's address again is refused, and says where to go instead.
    await page.getByLabel("Colleague's email").fill(memberEmail);
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Create invite link" }).click();
    await expect(page.locator("main").getByRole("alert")).toContainText("already a member");
    await expect(page.getByTestId("invite-link")).toHaveCount(0);

    await page.getByRole("link", { name: /^Staff members/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Staff members" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    const row = page.getByTestId("member-row").filter({ hasText: memberEmail });
    await expect(row).toContainText("Staff");
    await expect(row.getByTestId("member-state")).toHaveText("Active");
    await expect(row.getByTestId("member-last-sign-in")).not.toHaveText("Never");

    await row.getByRole("button", { name: "Disable…" }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole("button", { name: `Yes, disable ${memberEmail}` }).click();
    await expect(row.getByTestId("member-state")).toHaveText("Disabled");
    await expect(row.getByRole("status")).toContainText("signed out everywhere");

    // The member's browser, still holding its cookie: the next request is refused.
    expect((await desk.request.get(`${SITE}/api/staff/me`)).status()).toBe(401);
    await desk.reload();
    await expect(desk).toHaveURL(/\/staff\/sign-in$/);
    await desk.getByTestId("sign-in-passkey").click();
    await expect(desk.locator("main").getByRole("alert")).toContainText("Sign-in failed");
    await colleague.close();
  });

  test("the relying party and the origin come from the configuration, whatever Host the request names", async ({ request }) => {
    const options = await request.post(`${SITE}/api/staff/sign-in/options`, { headers: { host: "evil.example" } });
    expect(options.status()).toBe(200);
    expect((await options.json()).options.rpId).toBe("localhost");
  });
});
