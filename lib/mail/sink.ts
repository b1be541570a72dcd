import { z } from "../zod";

/** A message as the local mail sink keeps it (workers/mail-sink/sink.ts) and /dev/mail shows it. */
export const SinkMessage = z.object({
  id: z.string(),
  receivedAt: z.number(),
  idempotencyKey: z.string().nullable(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), /** base64 */ content: z.string() })),
  /** Extra headers the message was sent with (List-Unsubscribe…); none on messages kept before the sink stored them. */
  headers: z.record(z.string(), z.string()).default({}),
});
export type SinkMessage = z.infer<typeof SinkMessage>;

export const SinkMessageList = z.object({
  messages: z.array(SinkMessage),
  /** The origin the sidecar read them from (a loopback address); absent from an older sidecar, whose list is not shown. */
  sink: z.string().optional(),
});
export type SinkMessageList = z.infer<typeof SinkMessageList>;

/** 127.0.0.0/8 written as a dotted quad: every address in it is this machine. */
const LOOPBACK_V4 = /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * Whether a mail API URL points at this machine (127.0.0.0/8, localhost, ::1) over http(s): only
 * then is it the local mail sink. The provider's URL never is, so `/dev/mail` never reads the
 * provider's mail, nor sends it the API key, even with DEV_MAIL set by mistake.
 */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  return parsed.hostname === "localhost" || parsed.hostname === "[::1]" || LOOPBACK_V4.test(parsed.hostname);
}

/**
 * Whether /dev/mail may show the sidecar's answer: only a list read from a loopback sink. The web
 * worker and the sidecar deploy apart, so the page checks again what the sidecar checked.
 */
export function devMailboxShown(answer: { ok: true; value: SinkMessageList } | { ok: false; error: unknown }): boolean {
  return answer.ok && isLoopbackUrl(answer.value.sink);
}
