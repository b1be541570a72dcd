/**
 * The security headers besides the CSP: worker.ts sets them on every page and API answer, and
 * `public/_headers` sets them on static assets, which Workers static assets answer before
 * worker.ts runs (OpenNext copies public/ into .open-next/assets). tests/unit/static-headers.test.ts
 * keeps the two equal; e2e/api.spec.ts checks the built site.
 */

/** Headers every answer carries besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/** HTTPS only: worker.ts adds it on https; browsers ignore it over http. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/** What `public/_headers` gives every static asset: a file cannot tell http from https, and over http browsers ignore HSTS. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = { ...SECURITY_HEADERS, "strict-transport-security": STRICT_TRANSPORT_SECURITY };
