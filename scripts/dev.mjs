// `npm run dev`: the sidecar (Durable Objects + D1) and `next dev` together, persistence on.
import { SIDECAR_PORT, sidecarArgs, start, stopAllOnExit, waitForHttp } from "./lib/processes.mjs";

const sidecar = start("sidecar", "wrangler", sidecarArgs());
await waitForHttp(`http://127.0.0.1:${SIDECAR_PORT}/health`);
const web = start("web", "next", ["dev", "--port", process.env.PORT ?? "3000"]);
stopAllOnExit([sidecar, web]);
console.log(`\n  Tutor chat: http://localhost:${process.env.PORT ?? "3000"} (persistence on)\n`);
for (const child of [sidecar, web]) child.on("exit", (code) => process.exit(code ?? 1));
