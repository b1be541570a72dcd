import { DEFAULT_PERSONA, type AssistantPersona } from "../center/persona";
import { callSidecar } from "./call-sidecar";
import { getSidecar } from "./sidecar";
import { currentCenter } from "./center";

/** The request's center's assistant persona from D1 through the sidecar (one D1 statement), or the defaults when it is out of reach. */
export async function loadPersona(): Promise<AssistantPersona> {
  try {
    const [sidecar, center] = await Promise.all([getSidecar(), currentCenter()]);
    return (await callSidecar(() => sidecar.centerPolicy(center))).persona;
  } catch {
    return DEFAULT_PERSONA;
  }
}
