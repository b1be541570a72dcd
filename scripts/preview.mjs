// `npm run preview`: the OpenNext production build on workerd, with the sidecar bound.
import { SIDECAR_PORT, WEB_PORT, sidecarArgs, start, stopAllOnExit, waitForHttp, webPreviewArgs } from "./lib/processes.mjs";

const sidecar = start("sidecar", "wrangler", sidecarArgs());
await waitForHttp(`http://127.0.0.1:${SIDECAR_PORT}/health`);
const web = start("web", "wrangler", webPreviewArgs());
stopAllOnExit([sidecar, web]);
await waitForHttp(`http://127.0.0.1:${WEB_PORT}/api/health`);
console.log(`\n  Tutor chat (production build): http://localhost:${WEB_PORT}\n`);
for (const child of [sidecar, web]) child.on("exit", (code) => process.exit(code ?? 1));
