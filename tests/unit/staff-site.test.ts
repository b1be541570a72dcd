import { describe, expect, it } from "vitest";
import { staffSiteFrom } from "../../lib/staff/site";

/** Where staff passkeys are bound comes from the deployment's configuration, never from a request. */
describe("the staff site (WebAuthn origin and relying party id)", () => {
  it("is the configured origin, with its host name as the relying party id", () => {
    expect(staffSiteFrom({ siteOrigin: "https://tutoring.example.edu" })).toEqual({ origin: "https://tutoring.example.edu", rpId: "tutoring.example.edu" });
    expect(staffSiteFrom({ siteOrigin: "https://tutoring.example.edu/", rpId: "" })).toEqual({ origin: "https://tutoring.example.edu", rpId: "tutoring.example.edu" });
    expect(staffSiteFrom({ siteOrigin: "http://localhost:8787" })).toEqual({ origin: "http://localhost:8787", rpId: "localhost" });
  });

  it("takes a parent domain as the relying party id when STAFF_RP_ID names one", () => {
    expect(staffSiteFrom({ siteOrigin: "https://staff.example.edu", rpId: "example.edu" })).toEqual({ origin: "https://staff.example.edu", rpId: "example.edu" });
  });

  it("is missing when the configuration is absent or wrong (the web worker then refuses to run a ceremony)", () => {
    for (const config of [
      {},
      { siteOrigin: "" },
      { siteOrigin: "not a url" },
      { siteOrigin: "https://tutoring.example.edu/staff" },
      { siteOrigin: "http://tutoring.example.edu" },
      { siteOrigin: "http://127.0.0.1:8787" },
      { siteOrigin: "https://staff.example.edu", rpId: "evil.example" },
      { siteOrigin: "https://staff.example.edu", rpId: "Example.edu" },
    ]) {
      expect(staffSiteFrom(config), JSON.stringify(config)).toBeNull();
    }
  });
});
