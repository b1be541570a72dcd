import { DEFAULT_PERSONA, type AssistantPersona } from "../center/persona";
import { callSidecar } from "./call-sidecar";
import { getSidecar } from "./sidecar";

/** The center's assistant persona from D1 through the sidecar (one D1 batch), or the defaults when it is out of reach. */
export async function loadPersona(): Promise<AssistantPersona> {
  try {
    const sidecar = await getSidecar();
    return (await callSidecar(() => sidecar.centerPolicy())).persona;
  } catch {
    return DEFAULT_PERSONA;
  }
}
