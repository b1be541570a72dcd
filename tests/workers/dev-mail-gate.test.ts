import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readDevMailbox } from "../../services/mail";
import { createFakeMailApi, type FakeMailApi } from "../fakes/mail-api";

/**
 * /dev/mail reads the mail API's `GET /emails` with the API key. That is only safe against the
 * local mail sink: with DEV_MAIL set by mistake next to the provider's URL, it would list (and
 * send the live key to) the provider. The sidecar reads it only from a loopback address.
 */

let fake: FakeMailApi;
beforeEach(() => {
  fake = createFakeMailApi();
  vi.stubGlobal("fetch", fake.fetch);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const devEnv = (url: string) => ({ DEV_MAIL: "1", MAIL_API_URL: url, MAIL_API_TOKEN: "re_live_key" });

describe("the local mailbox's gate", () => {
  it("refuses with DEV_MAIL=1 when the mail API is not on this machine, and sends nothing (not the key either)", async () => {
    for (const url of ["https://api.resend.com", "http://localhost.evil.example:8790", "http://127.0.0.1.nip.io:8790", "http://10.0.0.5:8790", "http://0.0.0.0:8790", "http://evil.example/@127.0.0.1"]) {
      expect(await readDevMailbox(devEnv(url)), url).toMatchObject({ ok: false, error: { code: "not_found:route" } });
    }
    expect(fake.urls).toEqual([]);
  });

  it("reads the sink on a loopback address (127.0.0.1, localhost, ::1) and says which one it read", async () => {
    for (const url of ["http://127.0.0.1:8790", "http://localhost:8790/", "http://[::1]:8790"]) {
      const read = await readDevMailbox(devEnv(url));
      expect(read, url).toMatchObject({ ok: true, value: { messages: [], sink: new URL(url).origin } });
    }
    expect(fake.urls).toEqual(["http://127.0.0.1:8790/emails", "http://localhost:8790/emails", "http://[::1]:8790/emails"]);
  });

  it("stays closed without DEV_MAIL=1, even on loopback", async () => {
    expect(await readDevMailbox({ ...devEnv("http://127.0.0.1:8790"), DEV_MAIL: "" })).toMatchObject({ ok: false, error: { code: "not_found:route" } });
    expect(fake.urls).toEqual([]);
  });
});
