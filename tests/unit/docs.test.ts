import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

/** `a/{b,c}.ts` → `a/b.ts`, `a/c.ts` (the docs name sibling files that way). */
function expand(path: string): string[] {
  const brace = /\{([^{}]+)\}/.exec(path);
  if (!brace) return [path];
  return brace[1]!.split(",").flatMap((part) => expand(path.replace(brace[0], part)));
}

/** Every backticked repository path in a Markdown file (from a top-level folder; bare names are left to context). */
function pathsIn(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const quoted = [...text.matchAll(/`([^`\s]+)`/g)].map((match) => match[1]!);
  return quoted
    .filter((token) => /^(app|lib|workers|services|durable-objects|tests|e2e|e2e-dev|scripts|bench|docs|drizzle|eval)\//.test(token))
    .filter((token) => !/[*…<]/.test(token))
    // What the tools write (git-ignored) exists only after they ran.
    .filter((token) => !token.startsWith("bench/results") && !token.endsWith(".dev.vars"))
    .flatMap(expand)
    .map((path) => path.replace(/[.,:;)]+$/, ""));
}

/** Every README.md under `dir`, at any depth. */
function readmesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return readmesUnder(path);
    return name === "README.md" ? [path] : [];
  });
}

const DOC_PAGES = readdirSync("docs").filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`);
const DOCS = ["README.md", ...DOC_PAGES, "bench/README.md", ...readmesUnder("eval")];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

function anchorsIn(file: string): Set<string> {
  const headings = [...readFileSync(file, "utf8").matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!));
  return new Set(headings);
}

/** Relative Markdown links (`[text](page.md#anchor)`) that lead nowhere: a missing file or heading. */
function brokenLinksIn(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));
  return targets.filter((target) => {
    const [path, anchor] = target.split("#") as [string, string | undefined];
    const resolved = path ? normalize(join(dirname(file), path)) : file;
    if (!existsSync(resolved)) return true;
    return anchor !== undefined && resolved.endsWith(".md") && !anchorsIn(resolved).has(anchor);
  });
}

describe("the docs", () => {
  it("cover the README, every docs page, the bench and the evals", () => {
    expect(DOCS).toContain("docs/architecture.md");
    expect(DOCS).toContain("eval/understanding/README.md");
  });

  for (const doc of DOCS) {
    it(`${doc} names only files and folders that exist`, () => {
      const missing = pathsIn(doc).filter((path) => !existsSync(path));
      expect(missing).toEqual([]);
    });

    it(`${doc} links only to pages and headings that exist`, () => {
      expect(brokenLinksIn(doc)).toEqual([]);
    });
  }

  it("docs/architecture.md stays a map: at most 300 lines", () => {
    const lines = readFileSync("docs/architecture.md", "utf8").split("\n").length;
    expect(lines).toBeLessThanOrEqual(300);
  });

  it("every capability page is two hops from the README: README → architecture → page", () => {
    expect(readFileSync("README.md", "utf8")).toContain("docs/architecture.md");
    const architecture = readFileSync("docs/architecture.md", "utf8");
    const unlinked = DOC_PAGES.filter((page) => page !== "docs/architecture.md").filter((page) => !architecture.includes(`](${page.slice("docs/".length)}`));
    expect(unlinked).toEqual([]);
  });
});
