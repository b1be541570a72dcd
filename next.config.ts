import type { NextConfig } from "next";
import { initOpenNextCloudflareForDev } from "@opennextjs/cloudflare";

const SIDECAR_PORT = process.env.SIDECAR_PORT ?? "8788";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  typedRoutes: false,
  // A chat's WebSocket. In `next dev` this rewrite proxies the upgrade to the sidecar (next dev
  // proxies upgrades of external rewrites); in production the custom entry `worker.ts` catches
  // the same path before Next, which cannot return a 101 on OpenNext.
  async rewrites() {
    if (process.env.NODE_ENV !== "development") return [];
    return {
      beforeFiles: [
        { source: "/api/chat/session/:sessionId/socket", destination: `http://127.0.0.1:${SIDECAR_PORT}/api/chat/session/:sessionId/socket` },
        // The bell's socket (in-app notifications), routed the same way.
        { source: "/api/notifications/socket", destination: `http://127.0.0.1:${SIDECAR_PORT}/api/notifications/socket` },
      ],
      afterFiles: [],
      fallback: [],
    };
  },
};

export default nextConfig;

// In `next dev`, expose wrangler.toml's bindings (SIDECAR through the dev registry).
void initOpenNextCloudflareForDev();
