import { describe, expect, it } from "vitest";
import { OWNER_COOKIE, identifyOwner, readCookie, signOwnerId, verifyOwnerCookie } from "../../lib/server/owner-cookie";
import { searchSeedDirectory } from "../../lib/tutoring/directory";
import { directoryPrefix } from "../../lib/tutoring/subject-key";
import { FIRST_CENTER } from "../../lib/center/ids";

const SECRET = "unit-test-secret";

describe("a malformed owner cookie is an absent one", () => {
  it("reads a bad % escape as no cookie instead of throwing", () => {
    expect(readCookie(`${OWNER_COOKIE}=%E0%A4%A`, OWNER_COOKIE)).toBeUndefined();
    expect(readCookie(`other=%zz; ${OWNER_COOKIE}=ok`, OWNER_COOKIE)).toBe("ok");
  });

  it("rejects a signature that is not base64 instead of throwing", async () => {
    await expect(verifyOwnerCookie("x.A", SECRET)).resolves.toBeNull();
    await expect(verifyOwnerCookie(`owner-${"0".repeat(32)}.A`, SECRET)).resolves.toBeNull();
  });

  it("mints a fresh owner for a browser whose cookie is broken", async () => {
    for (const cookie of [`${OWNER_COOKIE}=x.A`, `${OWNER_COOKIE}=%E0%A4%A`]) {
      const owner = await identifyOwner(new Request("http://site/", { headers: { cookie } }), SECRET, FIRST_CENTER);
      expect(owner.id).toMatch(/^owner-[0-9a-f]{32}$/);
      expect(owner.setCookies[0]).toMatch(new RegExp(`^${OWNER_COOKIE}=owner-`));
    }
    const signed = await signOwnerId(`owner-${"a".repeat(32)}`, SECRET);
    const kept = await identifyOwner(new Request("http://site/", { headers: { cookie: `${OWNER_COOKIE}=${encodeURIComponent(signed)}` } }), SECRET, FIRST_CENTER);
    expect(kept).toEqual({ id: `owner-${"a".repeat(32)}`, setCookies: [] });
  });
});

describe("directory search words are only words", () => {
  it("does not read inherited members of the alias table", () => {
    for (const word of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(directoryPrefix(word)).toBe(word.toLowerCase());
      expect(searchSeedDirectory(word)).toEqual([]);
    }
    expect(directoryPrefix("  PreCalc  ")).toBe("precalculus"); // a real alias still maps
  });
});
