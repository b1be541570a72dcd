// `npm run dev`: the sidecar (Durable Objects + D1) and `next dev` together, persistence on.
import { MAIL_SINK_PORT, SIDECAR_PORT, clearDeadRegistration, mailSinkArgs, sidecarArgs, start, stop, stopAllOnExit, waitForHttp } from "./lib/processes.mjs";
// A sidecar killed last time (not stopped) would otherwise keep the new one out of the dev registry for up to 90 s.
await clearDeadRegistration("tutor-chat-sidecar");

// The local mail sink first: booking emails go there, and /dev/mail reads them.
const mailSink = start("mail", "wrangler", mailSinkArgs());
await waitForHttp(`http://127.0.0.1:${MAIL_SINK_PORT}/health`);

// next dev's address: the "stop these emails" link in every email points there.
const sidecar = start("sidecar", "wrangler", sidecarArgs(undefined, undefined, undefined, `http://localhost:${process.env.PORT ?? "3000"}`));
await waitForHttp(`http://127.0.0.1:${SIDECAR_PORT}/health`);
const web = start("web", "next", ["dev", "--port", process.env.PORT ?? "3000"]);
stopAllOnExit([mailSink, sidecar, web]);
console.log(`\n  Tutor chat: http://localhost:${process.env.PORT ?? "3000"} (persistence on); mail it sent: /dev/mail\n`);
// One dying takes the other down too: a web worker left running without its sidecar answers 503s.
for (const child of [mailSink, sidecar, web]) {
  child.on("exit", async (code) => {
    await Promise.all([mailSink, sidecar, web].map(stop));
    process.exit(code ?? 1);
  });
}
