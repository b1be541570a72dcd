import { stopMailSink, stopSidecar } from "./sidecar";

export default async function globalTeardown() {
  await stopSidecar();
  await stopMailSink();
}
