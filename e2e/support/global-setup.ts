import { startSidecar } from "./sidecar";

export default async function globalSetup() {
  await startSidecar();
}
