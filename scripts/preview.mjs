// `npm run preview`: the OpenNext production build on workerd, with the sidecar bound.
import { MAIL_SINK_PORT, SIDECAR_PORT, WEB_PORT, clearDeadRegistration, mailSinkArgs, sidecarArgs, start, stop, stopAllOnExit, waitForHttp, webPreviewArgs } from "./lib/processes.mjs";
// A sidecar killed last time (not stopped) would otherwise keep the new one out of the dev registry for up to 90 s.
await clearDeadRegistration("tutor-chat-sidecar");

// The local mail sink first: booking emails go there, and /dev/mail reads them.
const mailSink = start("mail", "wrangler", mailSinkArgs());
await waitForHttp(`http://127.0.0.1:${MAIL_SINK_PORT}/health`);

const sidecar = start("sidecar", "wrangler", sidecarArgs());
await waitForHttp(`http://127.0.0.1:${SIDECAR_PORT}/health`);
const web = start("web", "wrangler", webPreviewArgs());
stopAllOnExit([mailSink, sidecar, web]);
await waitForHttp(`http://127.0.0.1:${WEB_PORT}/api/health`);
console.log(`\n  Tutor chat (production build): http://localhost:${WEB_PORT}; mail it sent: /dev/mail\n`);
// One dying takes the other down too: a web worker left running without its sidecar answers 503s.
for (const child of [mailSink, sidecar, web]) {
  child.on("exit", async (code) => {
    await Promise.all([mailSink, sidecar, web].map(stop));
    process.exit(code ?? 1);
  });
}
