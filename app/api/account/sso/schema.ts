import { z } from "@/lib/zod";

/** Where to land after signing in: a same-site path (the sidecar cleans it again: anything else becomes "/"). */
export const SsoStartQuery = z.object({ returnTo: z.string().max(200).optional() });

/** The provider's answer as it reaches the callback: only sizes are checked here; the sidecar validates it. */
export const SsoCallbackQuery = z.object({ code: z.string().max(2_000).optional(), state: z.string().max(2_000).optional(), error: z.string().max(200).optional() }).passthrough();
