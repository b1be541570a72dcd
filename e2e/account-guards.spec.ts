import { createSessionId } from "../lib/ids";
import { expect, test, type APIRequestContext } from "./support/test";
import { ChatPage } from "./pages/chat";
import { bookInChat, lettersName } from "./support/booking";
import { accountCookieParts, forgedAccountCookie, signedInBrowser } from "./support/account";
import { startSidecar } from "./support/sidecar";

/**
 * A forged account cookie signs nobody in. Two browsers: Ann signs in to her account by email link
 * and books; Mal signs in to an account of her own, then sends Ann's cookie with its signature
 * spoiled, and her own signed cookie edited to name Ann's owner id or Ann's session. Each is read as
 * no account cookie at all: GET /api/account is 401, and the data routes answer only what Mal's
 * browser holds anonymously. Nothing of Ann's changes. (Every sidecar method with A's credentials
 * at B's ids: tests/workers/account-guards.test.ts.)
 */

test.describe("a forged account cookie is signed out", () => {
  test.beforeAll(() => startSidecar());

  test("wrong signature, or another account's signature over edited claims: 401, and only the browser's anonymous data", async ({ browser, playwright }) => {
    const stamp = Date.now();
    const ann = await signedInBrowser(browser, `ann.${stamp}@example.com`);
    const mal = await signedInBrowser(browser, `mal.${stamp}@example.com`);
    const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    try {
      const annPage = await ann.context.newPage();
      const booking = await bookInChat(new ChatPage(annPage), lettersName("Ann", stamp), `ann.${stamp}@example.com`);
      const annClaims = accountCookieParts(ann.accountCookie).claims;
      const malParts = accountCookieParts(mal.accountCookie);

      // What Mal's browser holds as its anonymous self (its owner cookie alone): one chat, no bookings.
      const malChat = createSessionId();
      const created = await api.post(`/api/chat/session/${malChat}/messages`, { headers: { cookie: `tutor_owner=${mal.ownerCookie}` }, data: { content: "hello" } });
      expect(created.status()).toBe(201);

      const annSees = () => sees(api, ann.cookie);
      const before = await annSees();
      expect(before.account).toMatchObject({ status: 200 });
      expect(before.bookings).toContain(booking.id);

      const spoiled = malParts.signature.startsWith("A") ? `B${malParts.signature.slice(1)}` : `A${malParts.signature.slice(1)}`;
      const forgeries = {
        "Ann's cookie, signature spoiled": forgedAccountCookie(ann.accountCookie, {}, spoiled),
        "Mal's signature over Ann's owner id": forgedAccountCookie(mal.accountCookie, { o: annClaims.o }),
        "Mal's signature over Ann's session": forgedAccountCookie(mal.accountCookie, { s: annClaims.s }),
        "Mal's signature over Ann's session, owner and address": forgedAccountCookie(mal.accountCookie, { s: annClaims.s, o: annClaims.o, e: annClaims.e }),
        "Ann's claims, no signature": `${accountCookieParts(ann.accountCookie).payload}.`,
      };
      for (const [what, forged] of Object.entries(forgeries)) {
        const cookie = `tutor_owner=${mal.ownerCookie}; tutor_account=${forged}`;
        const seen = await sees(api, cookie);
        expect(seen.account, what).toMatchObject({ status: 401 });
        expect(JSON.parse(seen.account.body), what).toMatchObject({ error: { code: "unauthorized" } });
        expect(JSON.parse(seen.bookings), what).toEqual({ bookings: [] });
        expect(JSON.parse(seen.chats), what).toMatchObject({ chats: [{ id: malChat }] });
        expect(seen.chats.match(/"id":"session-/g), what).toHaveLength(1);
        for (const text of [seen.bookings, seen.chats, seen.memory, seen.export]) {
          for (const secret of [annClaims.o, annClaims.s, annClaims.e, booking.id, booking.reference]) expect(text, `${what}: holds Ann's ${secret}`).not.toContain(secret);
        }
        // Signing out Ann's device, or everywhere, is refused: this browser is not signed in.
        for (const data of [{ device: annClaims.s }, { everywhere: true }]) {
          const out = await api.post("/api/account/sign-out", { headers: { cookie }, data });
          expect(out.status(), what).toBe(401);
        }
      }
      // The same forgeries with no owner cookie: a fresh anonymous browser, holding nothing.
      for (const [what, forged] of Object.entries(forgeries)) {
        const seen = await sees(api, `tutor_account=${forged}`);
        expect(seen.account, what).toMatchObject({ status: 401 });
        expect(JSON.parse(seen.bookings), what).toEqual({ bookings: [] });
        expect(JSON.parse(seen.chats), what).toEqual({ chats: [] });
      }

      expect(await annSees()).toEqual(before);
      // Mal's own, untouched cookie still works: the refusals above were for the forgery, not the browser.
      const malOwn = await sees(api, mal.cookie);
      expect(malOwn.account).toMatchObject({ status: 200 });
      expect(malOwn.account.body).toContain(`mal.${stamp}@example.com`);
    } finally {
      await api.dispose();
      await ann.context.close();
      await mal.context.close();
    }
  });
});

/** What a `cookie` header gets from the account page and the data routes. */
async function sees(api: APIRequestContext, cookie: string) {
  const get = async (path: string) => {
    const response = await api.get(path, { headers: { cookie } });
    return { status: response.status(), body: await response.text() };
  };
  const [account, bookings, chats, memory, exported] = await Promise.all(["/api/account", "/api/bookings", "/api/chats", "/api/memory", "/api/account/export"].map(get));
  // The device list's "last seen" and the export's own time are not Ann's data: compare the rest.
  return { account: { status: account!.status, body: account!.body.replace(/"lastSeenAt":\d+/g, "") }, bookings: bookings!.body, chats: chats!.body, memory: memory!.body, export: exported!.body.replace(/"exportedAt":"?[^,"}]*"?/g, "") };
}
