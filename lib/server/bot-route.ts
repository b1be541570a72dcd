import { callSidecar } from "./call-sidecar";
import { AppError } from "../errors";
import type { QueueResult, SidecarApi } from "../sidecar-api";
import { z } from "../zod";
import { handle, json, readJsonBody } from "./http";
import { getSidecar } from "./sidecar";

/**
 * The bot queue routes share one shape: read the bearer token, reach the
 * sidecar (which checks the token in constant time and validates the
 * arguments with the shared queue schemas), answer with its data and kvStats.
 */
export function botRoute(
  context: string,
  request: Request,
  call: (sidecar: SidecarApi, token: string) => Promise<QueueResult>,
): Promise<Response> {
  return handle(context, async () => {
    const header = request.headers.get("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new AppError("unauthorized:bot", "A valid bot token is required (Authorization: Bearer BOT_TOKEN).");
    const sidecar = await getSidecar();
    // Not every bot call is idempotent (a claim takes the next message): a dropped call fails
    // at once with a 503, and the bot, which retries anyway, decides.
    return json(await callSidecar(() => call(sidecar, token), { idempotent: false }));
  });
}

/**
 * A bot's JSON body, checked here for size, type and syntax only: its shape is
 * validated by the sidecar after the token, so a caller without a valid token
 * learns nothing about the API from validation errors.
 */
export function readBotBody(request: Request): Promise<unknown> {
  return readJsonBody(request, z.unknown());
}

export function queryParams(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
