import { describe, expect, it } from "vitest";
import { authorLabel, typingLabel } from "../../lib/message-author";
import { StaffDisplayNameInput, staffAuthor, staffDisplayName } from "../../lib/staff/author";

describe("how a staff member appears to students", () => {
  it.each([
    [{ email: "sam@center.edu", displayName: "Samantha" }, "Samantha"],
    [{ email: "sam@center.edu" }, "Sam"],
    [{ email: "jo.lee+inbox@center.edu" }, "Jo Lee"],
    [{ email: "desk-1699999@center.example" }, "Desk"],
    [{ email: "1234@center.example" }, "Staff"],
  ])("goes by the name they set, else their email's words: %j → %s", (member, name) => {
    expect(staffDisplayName(member)).toBe(name);
  });

  it("labels their replies and their typing with their name and the center, never as the assistant", () => {
    const author = staffAuthor({ email: "x@y.z", displayName: "Sam" });
    expect(author).toEqual({ kind: "staff", name: "Sam" });
    expect(authorLabel(author)).toBe("Sam · Tutoring center");
    expect(typingLabel(author)).toBe("Sam from the tutoring center is typing…");
  });

  it("takes a plain-text name of 1 to 60 characters, trimmed, and nothing else in the body", () => {
    expect(StaffDisplayNameInput.parse({ displayName: "  Sam Lee " })).toEqual({ displayName: "Sam Lee" });
    for (const bad of [{ displayName: " " }, { displayName: "<i>Sam</i>" }, { displayName: "{name}" }, { displayName: "S".repeat(61) }, { displayName: "Sam", role: "admin" }]) {
      expect(StaffDisplayNameInput.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
