import { startMailSink, startSidecar } from "./sidecar";

export default async function globalSetup() {
  await startMailSink();
  await startSidecar();
}
