import { existsSync, readFileSync } from "node:fs";
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
    .filter((token) => /^(app|lib|workers|durable-objects|tests|e2e|e2e-dev|scripts|bench|docs|drizzle)\//.test(token))
    .filter((token) => !/[*…<]/.test(token))
    // What the tools write (git-ignored) exists only after they ran.
    .filter((token) => !token.startsWith("bench/results"))
    .flatMap(expand)
    .map((path) => path.replace(/[.,:;)]+$/, ""));
}

describe("the docs", () => {
  for (const doc of ["README.md", "docs/architecture.md", "bench/README.md"]) {
    it(`${doc} names only files and folders that exist`, () => {
      const missing = pathsIn(doc).filter((path) => !existsSync(path));
      expect(missing).toEqual([]);
    });
  }
});
