import { describe, expect, it } from "vitest";
import { BOOKING_REFERENCE_PATTERN, newBookingReference, parseBookingReference, REFERENCE_ALPHABET } from "../../lib/ids";

describe("booking references", () => {
  it("are 8 symbols in two groups, never 0, O, 1, I, L or U, and differ from draw to draw", () => {
    const drawn = Array.from({ length: 2000 }, newBookingReference);
    for (const reference of drawn) expect(reference).toMatch(BOOKING_REFERENCE_PATTERN);
    expect(drawn.join("")).not.toMatch(/[01OILU]/);
    expect(new Set(drawn).size).toBe(drawn.length);
    // Every symbol turns up: the draw covers the whole alphabet.
    expect(new Set(drawn.join("").replaceAll("-", ""))).toEqual(new Set(REFERENCE_ALPHABET));
  });

  it("are read back as people type them, and nothing else is taken for one", () => {
    expect(parseBookingReference("k7mq-2xpd")).toBe("K7MQ-2XPD");
    expect(parseBookingReference(" K7MQ 2XPD ")).toBe("K7MQ-2XPD");
    expect(parseBookingReference("K7MQ2XPD")).toBe("K7MQ-2XPD");
    for (const bad of ["K7MQ-2XP0", "K7MQ-2XPO", "K7MQ-2XP1", "K7MQ-2XPI", "K7MQ-2XP", "K7MQ-2XPDD", "", "bk-0123456789abcdef"]) {
      expect(parseBookingReference(bad), bad).toBeNull();
    }
  });
});
