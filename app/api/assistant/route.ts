import { handle, json, readJsonBody } from "@/lib/server/http";
import { fallbackTurn } from "@/lib/tutoring/fallback-turn";
import { AssistantTurnBody } from "./schema";

/**
 * The stateless assistant for fallback mode (no sidecar): the browser sends
 * its React state, gets the replies and the new state back. Nothing is stored.
 */
export function POST(request: Request) {
  return handle("POST assistant", async () => {
    const body = await readJsonBody(request, AssistantTurnBody);
    return json(await fallbackTurn(body, new Date()));
  });
}
