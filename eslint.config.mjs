import nextPlugin from "@next/eslint-plugin-next";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Schemas are built with lib/zod.ts's `z`, configured before the first one (no eval: the CSP). */
const ZOD = { name: "zod", message: "Import { z } from lib/zod.ts (jitless: the site's CSP forbids eval).", allowTypeImports: true };

/** One `no-restricted-imports` per layer (a later config would replace an earlier one's options, not add to them). */
const layer = (message, regex) => ["error", { paths: [ZOD], patterns: regex ? [{ regex, message }] : [] }];

export default tseslint.config(
  { ignores: [".next/**", "**/.wrangler/**", "bench/results.json", "bench/results/**", ".test-results/**", ".open-next/**", ".wrangler/**", "node_modules/**", "**/worker-configuration.d.ts", "cloudflare-env.d.ts", "next-env.d.ts", "test-results/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  // Layers, type imports included: workers/ (the sidecar's entry) → durable-objects/ → services/ → lib/.
  // lib/ is shared by the browser, the web worker and the sidecar, so it imports none of them; pages and
  // routes reach Durable Objects only through the sidecar (lib/server/sidecar.ts); nothing imports the entry.
  {
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["lib/zod.ts", "lib/zod-api.ts"],
    rules: { "no-restricted-imports": layer("lib/ never imports app/, workers/, services/ or durable-objects/.", "(^|/)(app|workers|services|durable-objects)/|^@/app/") },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": layer("Pages and routes reach Durable Objects only through the sidecar (lib/server/sidecar.ts).", "(^|/)(workers|services|durable-objects)/") },
  },
  {
    files: ["services/**/*.ts"],
    rules: { "no-restricted-imports": layer("services/ sits under the objects and the entry: it names objects through Env bindings (services/objects.ts), never by importing them.", "(^|/)(workers|durable-objects|app)/") },
  },
  {
    files: ["durable-objects/**/*.ts"],
    rules: { "no-restricted-imports": layer("Objects call services/ and lib/, never the sidecar's entry (workers/).", "(^|/)(workers|app)/") },
  },
  {
    files: ["workers/**/*.ts"],
    rules: { "no-restricted-imports": layer("Nothing imports the sidecar's entry point (workers/sidecar.ts).", "(^|/)sidecar$") },
  },
  // No import cycles anywhere, and files small enough to read (split by role past ~400 lines of code).
  {
    files: ["**/*.{ts,tsx,mjs}"],
    plugins: { "import-x": importX },
    settings: {
      // The TypeScript parser for the files an import leads to (without it, no-cycle sees no graph).
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver": undefined,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["tsconfig.json", "tsconfig.workers.json", "tsconfig.tests.json"], noWarnOnMultipleProjects: true })],
      "import-x/ignore": ["\\.open-next", "node_modules"],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    files: ["{app,lib,workers,services,durable-objects,scripts,bench}/**/*.{ts,tsx,mjs}", "*.ts"],
    rules: { "max-lines": ["error", { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "TSAsExpression > CallExpression[callee.property.name='json']", message: "Validate bodies with a zod schema instead of casting." },
        { selector: "TSAsExpression > CallExpression[callee.object.name='JSON'][callee.property.name='parse']", message: "Validate parsed JSON with a zod schema instead of casting." },
      ],
    },
  },
);
