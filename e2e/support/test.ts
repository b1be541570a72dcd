import { test as base } from "@playwright/test";

export * from "@playwright/test";

/**
 * Playwright's `test`, plus one check on every test: no page broke the
 * Content-Security-Policy. Chromium reports a violation both as a console
 * error and as a `securitypolicyviolation` event; both are collected.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (event) => {
          console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`);
        });
      });
      context.on("console", (message) => {
        if (/content security policy|CSP violation/i.test(message.text())) violations.push(`${message.location().url}: ${message.text()}`);
      });
      await use(violations);
      base.expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});
