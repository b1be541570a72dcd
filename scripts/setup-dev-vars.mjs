// Writes the local secrets files when they are missing. They are git-ignored:
// every machine gets its own random keys; production uses `wrangler secret put`.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const secret = () => randomBytes(32).toString("hex");

const files = {
  ".dev.vars": {
    OWNER_COOKIE_SECRET: secret,
  },
  "workers/.dev.vars": {
    INTERNAL_KEY: secret,
    BOT_TOKEN: secret,
    BACKEND_API_TOKEN: secret,
    BACKEND_API_URL: () => "http://127.0.0.1:8789",
    // The local mail sink (workers/mail-sink/) accepts any token; dev, preview and tests pass MAIL_API_URL with --var.
    MAIL_API_TOKEN: secret,
    // Campus sign-on's client secret (docs/accounts-sso.md): empty keeps it off locally; tests pass their own.
    OIDC_CLIENT_SECRET: () => "",
  },
};

for (const [path, wanted] of Object.entries(files)) {
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const missing = Object.entries(wanted).filter(([name]) => !new RegExp(`^${name}=`, "m").test(current));
  if (missing.length === 0) continue;
  const lines = missing.map(([name, make]) => `${name}=${make()}`);
  writeFileSync(path, `${current}${current && !current.endsWith("\n") ? "\n" : ""}${lines.join("\n")}\n`, { mode: 0o600 });
  console.log(`${path}: generated ${missing.map(([name]) => name).join(", ")}`);
}
