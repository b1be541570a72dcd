import type { NextConfig } from "next";
import { initOpenNextCloudflareForDev } from "@opennextjs/cloudflare";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;

// In `next dev`, expose wrangler.toml's bindings (SIDECAR through the dev registry).
void initOpenNextCloudflareForDev();
