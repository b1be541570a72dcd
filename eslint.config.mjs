import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".next/**", "**/.wrangler/**", "bench/results.json", ".test-results/**", ".open-next/**", ".wrangler/**", "node_modules/**", "**/worker-configuration.d.ts", "cloudflare-env.d.ts", "next-env.d.ts", "test-results/**"] },
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
  {
    // Schemas are built with lib/zod.ts's `z`, configured before the first one (no eval: the CSP).
    files: ["{app,lib,workers,durable-objects}/**/*.{ts,tsx}"],
    ignores: ["lib/zod.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "zod", message: "Import { z } from lib/zod.ts (jitless: the site's CSP forbids eval).", allowTypeImports: true }] }],
    },
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
