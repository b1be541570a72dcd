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

export const SinkMessageList = z.object({ messages: z.array(SinkMessage) });
export type SinkMessageList = z.infer<typeof SinkMessageList>;
