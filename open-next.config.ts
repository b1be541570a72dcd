import { defineCloudflareConfig } from "@opennextjs/cloudflare";

// No incremental cache: every page here is dynamic chat state that lives in the sidecar.
export default defineCloudflareConfig();
