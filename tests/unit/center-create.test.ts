import { describe, expect, it } from "vitest";
import { NewCenter, centerCreateSql, centerTakenSql } from "../../lib/center/create";

const math = { id: "math", name: "Math Lab", host: "Math.Localhost:8841", adminEmail: " Admin@Math.edu " };

describe("npm run center:create's arguments", () => {
  it("takes an id, a name, a host (lower case, no port) and the admin's address", () => {
    expect(NewCenter.parse(math)).toEqual({ id: "math", name: "Math Lab", host: "math.localhost", adminEmail: "admin@math.edu" });
  });

  it("refuses the first center's id, a bad id, a host without a dot or with a scheme, and a bad address", () => {
    for (const bad of [
      { ...math, id: "main" },
      { ...math, id: "Math" },
      { ...math, id: "m" },
      { ...math, id: "math lab" },
      { ...math, host: "localhost" },
      { ...math, host: "http://math.localhost" },
      { ...math, host: "math..localhost" },
      { ...math, name: "  " },
      { ...math, adminEmail: "admin" },
      { ...math, host: undefined },
    ]) {
      expect(NewCenter.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("quotes every value it writes into the SQL", () => {
    const center = NewCenter.parse({ ...math, name: "Bob's '); DROP TABLE centers; --" });
    const sql = centerCreateSql({ center, botTokenHash: "ab".repeat(32), inviteTokenHash: "cd".repeat(32), now: 1, inviteExpiresAt: 2 });
    expect(sql).toContain("'Bob''s ''); DROP TABLE centers; --'");
    expect(sql.split("\n").filter((line) => line.startsWith("INSERT INTO"))).toHaveLength(4);
    expect(sql).toContain("INSERT INTO center_hours (center_id, day, open, close) VALUES ('math', 'sunday', '08:00', '22:00')");
    expect(sql).toContain("'admin', NULL, NULL, 1, 2");
    expect(centerTakenSql(center)).toBe("SELECT id, host FROM centers WHERE id = 'math' OR host = 'math.localhost'");
  });
});
