import { describe, expect, it } from "vitest";
import { readFormBody } from "../../lib/server/http";

/** The one-click POST (RFC 8058) arrives as an HTML form, from the page's button or a mail provider. */
describe("readFormBody", () => {
  it("reads a urlencoded form and a multipart one", async () => {
    const urlEncoded = new Request("http://site/", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect((await readFormBody(urlEncoded)).get("List-Unsubscribe")).toBe("One-Click");
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const multipart = new Request("http://site/", { method: "POST", body: form });
    expect(multipart.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    expect((await readFormBody(multipart)).get("List-Unsubscribe")).toBe("One-Click");
  });

  it("refuses another content type, too many bytes, and a multipart body that does not parse, each with its 4xx", async () => {
    const post = (type: string, body: string) => new Request("http://site/", { method: "POST", headers: { "content-type": type }, body });
    await expect(readFormBody(post("application/json", "{}"))).rejects.toMatchObject({ status: 415 });
    await expect(readFormBody(post("application/x-www-form-urlencoded", "a=".padEnd(5_000, "b")))).rejects.toMatchObject({ status: 413 });
    await expect(readFormBody(post("multipart/form-data; boundary=XyZ", "not multipart"))).rejects.toMatchObject({ status: 400 });
  });
});
