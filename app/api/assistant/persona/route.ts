import { handle, json } from "@/lib/server/http";
import { loadPersona } from "@/lib/server/persona";

/**
 * The assistant's name and greeting for the chat page (no owner needed: the same for everyone).
 * Without the sidecar the defaults are answered, and nothing says so: the fallback chat never mentions it.
 */
export function GET() {
  return handle("GET assistant persona", async () => json(await loadPersona()));
}
