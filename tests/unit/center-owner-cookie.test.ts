import { describe, expect, it } from "vitest";
import { FIRST_CENTER, centerOfOwner } from "../../lib/center/ids";
import { OWNER_COOKIE, identifyOwner, signOwnerId } from "../../lib/server/owner-cookie";
import { hostOf } from "../../lib/server/center";

const SECRET = "unit-test-secret";

function withCookie(ownerId: string) {
  return signOwnerId(ownerId, SECRET).then((signed) => new Request("http://math.localhost/", { headers: { cookie: `${OWNER_COOKIE}=${encodeURIComponent(signed)}` } }));
}

describe("the owner cookie is one center's", () => {
  it("mints an owner of the host's center", async () => {
    const math = await identifyOwner(new Request("http://math.localhost/"), SECRET, "math");
    expect(math.id).toMatch(/^owner-[0-9a-f]{32}\.math$/);
    expect(centerOfOwner(math.id)).toBe("math");
    const main = await identifyOwner(new Request("http://localhost/"), SECRET, FIRST_CENTER);
    expect(main.id).toMatch(/^owner-[0-9a-f]{32}$/);
  });

  it("keeps an owner of this center and treats another center's, signed by us, as absent", async () => {
    const mathOwner = `owner-${"b".repeat(32)}.math`;
    expect(await identifyOwner(await withCookie(mathOwner), SECRET, "math")).toEqual({ id: mathOwner, setCookies: [] });

    const atMain = await identifyOwner(await withCookie(mathOwner), SECRET, FIRST_CENTER);
    expect(atMain.id).not.toBe(mathOwner);
    expect(centerOfOwner(atMain.id)).toBe(FIRST_CENTER);
    expect(atMain.setCookies).toHaveLength(1);

    const mainOwner = `owner-${"c".repeat(32)}`;
    const atMath = await identifyOwner(await withCookie(mainOwner), SECRET, "math");
    expect(atMath.id).toMatch(/\.math$/);
  });

  it("reads the host a proxy forwarded first, then the Host header", () => {
    expect(hostOf(new Headers({ host: "localhost:8841", "x-forwarded-host": "Math.Localhost:8841, proxy" }))).toBe("Math.Localhost:8841");
    expect(hostOf(new Headers({ host: "math.localhost:8841" }))).toBe("math.localhost:8841");
    expect(hostOf(new Headers(), "http://math.localhost:3000/x")).toBe("math.localhost:3000");
  });
});
