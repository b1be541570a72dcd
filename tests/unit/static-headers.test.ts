import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { STATIC_SECURITY_HEADERS } from "../../lib/security-headers";

/**
 * Static assets (`/_next/static/*`, `/BUILD_ID`, anything in public/) are answered by Workers
 * static assets before worker.ts runs, so they carry only what `public/_headers` gives them
 * (OpenNext copies public/ into .open-next/assets). It must give them every header worker.ts
 * sets except the per-response CSP. e2e/api.spec.ts checks the built site answers with them.
 */

/** The `_headers` file's rules: a path pattern, then indented `Name: value` lines. */
function rules(text: string): Map<string, Map<string, string>> {
  const parsed = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      current = new Map();
      parsed.set(line.trim(), current);
      continue;
    }
    const colon = line.indexOf(":");
    if (!current || colon < 0) throw new Error(`not a header line: ${line}`);
    current.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return parsed;
}

describe("public/_headers", () => {
  it("gives every static asset the headers worker.ts sets on pages, the CSP aside", () => {
    const all = rules(readFileSync("public/_headers", "utf8")).get("/*");
    expect(all, "a /* rule").toBeDefined();
    for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) expect(all!.get(name), name).toBe(value);
    expect(Object.keys(STATIC_SECURITY_HEADERS)).toEqual(expect.arrayContaining(["x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy", "strict-transport-security"]));
  });
});
