// `npm run preview`: the OpenNext production build on workerd, with the sidecar bound.
import { SIDECAR_PORT, WEB_PORT, clearDeadRegistration, sidecarArgs, start, stop, stopAllOnExit, waitForHttp, webPreviewArgs } from "./lib/processes.mjs";
// A sidecar killed last time (not stopped) would otherwise keep the new one out of the dev registry for up to 90 s.
await clearDeadRegistration("tutor-chat-sidecar");

const sidecar = start("sidecar", "wrangler", sidecarArgs());
await waitForHttp(`http://127.0.0.1:${SIDECAR_PORT}/health`);
const web = start("web", "wrangler", webPreviewArgs());
stopAllOnExit([sidecar, web]);
await waitForHttp(`http://127.0.0.1:${WEB_PORT}/api/health`);
console.log(`\n  Tutor chat (production build): http://localhost:${WEB_PORT}\n`);
// One dying takes the other down too: a web worker left running without its sidecar answers 503s.
for (const child of [sidecar, web]) {
  child.on("exit", async (code) => {
    await Promise.all([sidecar, web].map(stop));
    process.exit(code ?? 1);
  });
}
