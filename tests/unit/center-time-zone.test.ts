import { describe, expect, it } from "vitest";
import { formatInstant, sameZone, zoneAbbreviation, zoneLabel, zoneNoteText } from "../../lib/center/time-zone";

// Wednesday 19 November 2025, 10:05 in Los Angeles (PST, UTC-8) = 18:05 UTC = 19:05 in Berlin.
const AT = Date.UTC(2025, 10, 19, 18, 5);
const SUMMER = new Date(Date.UTC(2026, 6, 1, 12));

describe("times at the center, named for a browser elsewhere", () => {
  it("names the center's zone the way people say it, with its city", () => {
    expect(zoneLabel("America/Los_Angeles", new Date(AT))).toBe("Pacific Time (Los Angeles)");
    expect(zoneLabel("America/Los_Angeles", SUMMER)).toBe("Pacific Time (Los Angeles)");
    expect(zoneLabel("Europe/Berlin", new Date(AT))).toBe("Central European Time (Berlin)");
    expect(zoneLabel("America/Argentina/Buenos_Aires", new Date(AT))).toBe("Argentina Standard Time (Buenos Aires)");
    expect(zoneLabel("UTC", new Date(AT))).toBe("UTC");
    expect(zoneNoteText("America/Los_Angeles", new Date(AT))).toBe("All times are Pacific Time (Los Angeles), the center's time zone.");
  });

  it("marks a time with the zone's short name, or its offset where there is none", () => {
    expect(zoneAbbreviation("America/Los_Angeles", new Date(AT))).toBe("PT");
    expect(zoneAbbreviation("America/New_York", SUMMER)).toBe("ET");
    expect(zoneAbbreviation("Europe/Berlin", new Date(AT))).toBe("GMT+1");
    expect(zoneAbbreviation("Europe/Berlin", SUMMER)).toBe("GMT+2");
  });

  it("treats two names of one zone as the same zone, and a different zone (or an unknown one) as different", () => {
    expect(sameZone("America/Los_Angeles", "America/Los_Angeles")).toBe(true);
    expect(sameZone("America/Los_Angeles", "US/Pacific")).toBe(true);
    expect(sameZone("Asia/Kolkata", "Asia/Calcutta")).toBe(true);
    expect(sameZone("America/Los_Angeles", "Europe/Berlin")).toBe(false);
    expect(sameZone("America/Los_Angeles", "America/Vancouver")).toBe(false);
    expect(sameZone("Mars/Olympus", "Mars/Olympus")).toBe(false);
  });

  it("formats an instant at the center whatever zone the machine is in, in the site's 24-hour clock", () => {
    expect(formatInstant(AT, "America/Los_Angeles")).toBe("Wed, Nov 19, 10:05");
    expect(formatInstant(AT, "America/Los_Angeles", { withZone: true })).toBe("Wed, Nov 19, 10:05 PT");
    expect(formatInstant(AT, "Europe/Berlin", { withZone: true })).toBe("Wed, Nov 19, 19:05 GMT+1");
    // Midnight is 00, not 24.
    expect(formatInstant(Date.UTC(2025, 10, 20, 8, 0), "America/Los_Angeles")).toBe("Thu, Nov 20, 00:00");
    // A zone this runtime does not know: UTC, and said so, never a guess without a name.
    expect(formatInstant(AT, "Mars/Olympus")).toBe("Wed, Nov 19, 18:05 UTC");
  });
});
