import { describe, expect, it } from "vitest";
import { devMailboxShown, isLoopbackUrl } from "../../lib/mail/sink";

describe("the local mailbox's gate, as the /dev/mail page applies it", () => {
  it("takes only loopback addresses for the mail sink", () => {
    for (const url of ["http://127.0.0.1:8790", "http://127.0.0.1:8790/", "http://localhost:8790", "http://[::1]:8790", "http://127.1.2.3:1", "https://localhost"]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of [
      "https://api.resend.com", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "http://evil.example/@127.0.0.1", "http://0.0.0.0:8790",
      "http://10.0.0.1", "ftp://127.0.0.1", "127.0.0.1:8790", "", undefined, "not a url",
    ]) {
      expect(isLoopbackUrl(url), String(url)).toBe(false);
    }
  });

  it("shows the mailbox only when the sidecar answered with a loopback sink (an older sidecar names none: not shown)", () => {
    expect(devMailboxShown({ ok: true, value: { messages: [], sink: "http://127.0.0.1:8790" } })).toBe(true);
    expect(devMailboxShown({ ok: true, value: { messages: [], sink: "https://api.resend.com" } })).toBe(false);
    expect(devMailboxShown({ ok: true, value: { messages: [] } })).toBe(false);
    expect(devMailboxShown({ ok: false, error: { code: "not_found:route", message: "Not found." } })).toBe(false);
  });
});
