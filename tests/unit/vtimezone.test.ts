import { describe, expect, it } from "vitest";
import { vtimezone } from "../../lib/mail/vtimezone";

describe("the invite's VTIMEZONE", () => {
  it("gives each daylight-saving change of the event's years its exact local start and offsets", () => {
    const zone = vtimezone("America/New_York", new Date(Date.UTC(2026, 10, 30)))!;
    expect(zone).toContain("TZID:America/New_York");
    // 2026: clocks go forward on 8 March at 02:00 (EST → EDT) and back on 1 November at 02:00 (EDT → EST).
    expect(zone).toContain("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT");
    expect(zone).toContain("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD");
  });

  it("gives a zone without changes one standard observance, and knows no unknown zone", () => {
    expect(vtimezone("Asia/Kolkata", new Date(Date.UTC(2026, 0, 1)))).toContain("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530");
    expect(vtimezone("Mars/Olympus", new Date())).toBeNull();
  });
});
