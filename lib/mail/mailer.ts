import { z } from "../zod";
import { fail, ok, type Result } from "../errors";

/**
 * Sends one email through an HTTP email API. One interface, one wire shape,
 * two places it goes: in production Resend's `POST /emails`
 * (`MAIL_API_URL=https://api.resend.com`, `MAIL_API_TOKEN` an API key); locally
 * the mail sink worker (`workers/mail-sink/`), which accepts the same request and
 * keeps the message for `/dev/mail`. Both speak:
 *
 *   POST {MAIL_API_URL}/emails
 *   Authorization: Bearer {MAIL_API_TOKEN}
 *   Idempotency-Key: {key}            (Resend: ≤ 256 characters, remembered 24 h)
 *   { from, to: [..], subject, text, attachments: [{ filename, content (base64), content_type }], headers: { .. } }
 *   → 200 { id }
 *
 * `fetch` is injected so the sender is the same code in both places and tests
 * can point it at the FAKE in `tests/fakes/mail-api.ts`.
 */

/** Long enough for a slow provider, short enough that an alarm run cannot hang. */
export const MAIL_API_TIMEOUT_MS = 10_000;

export const MailAttachment = z.object({
  filename: z.string().min(1).max(100),
  /** base64 of the file's bytes */
  content: z.string().max(200_000),
  contentType: z.string().min(1).max(100),
});
export type MailAttachment = z.infer<typeof MailAttachment>;

/** One message, as stored by the outbox and sent as is on every attempt. */
export const MailMessage = z.object({
  to: z.email().max(254),
  subject: z.string().min(1).max(200),
  text: z.string().min(1).max(20_000),
  attachments: z.array(MailAttachment).max(2),
  /** Extra headers, e.g. RFC 8058's List-Unsubscribe pair (lib/mail/stop-link.ts); Resend takes them as `headers`. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(2_000).regex(/^[^\r\n]*$/)).optional(),
});
export type MailMessage = z.infer<typeof MailMessage>;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Mailer {
  /**
   * Sends `message` once per `idempotencyKey`. `rejected:upstream`: the provider
   * refused it (a 4xx other than 408/409/429), and sending it again gets the same
   * answer; `bad_gateway:upstream`: worth another try later.
   */
  send(message: MailMessage, idempotencyKey: string): Promise<Result<{ providerId: string | null }>>;
}

export interface HttpMailerOptions {
  /** e.g. `https://api.resend.com` or `http://127.0.0.1:8790`; a trailing slash is ignored. */
  baseUrl: string;
  token: string;
  /** `Name <address>`, a sender the provider has verified. */
  from: string;
  fetch: FetchLike;
  timeoutMs?: number;
}

const ProviderAnswer = z.object({ id: z.string().max(200).optional() });

export function createHttpMailer(options: HttpMailerOptions): Mailer {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/emails`;
  const timeoutMs = options.timeoutMs ?? MAIL_API_TIMEOUT_MS;
  return {
    async send(message, idempotencyKey) {
      // Not AbortSignal.timeout: its timer outlives the answer and keeps a Durable Object busy.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new DOMException("The operation timed out.", "TimeoutError")), timeoutMs);
      let response: Response;
      try {
        response = await options.fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json", "idempotency-key": idempotencyKey },
          body: JSON.stringify({
            from: options.from,
            to: [message.to],
            subject: message.subject,
            text: message.text,
            attachments: message.attachments.map((file) => ({ filename: file.filename, content: file.content, content_type: file.contentType })),
            ...(message.headers ? { headers: message.headers } : {}),
          }),
          signal: timeout.signal,
        });
      } catch (error) {
        return fail("bad_gateway:upstream", `POST /emails failed: ${describe(error)}`);
      } finally {
        clearTimeout(timer);
      }
      const text = await response.text().catch(() => "");
      if (response.ok) {
        const answer = ProviderAnswer.safeParse(parseJson(text));
        return ok({ providerId: answer.success ? (answer.data.id ?? null) : null });
      }
      // 408 timeout, 409 (Resend: the same key is still in flight), 429 rate limit and 5xx pass; other 4xx never will.
      const transient = response.status >= 500 || [408, 409, 429].includes(response.status);
      return fail(transient ? "bad_gateway:upstream" : "rejected:upstream", `POST /emails answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`);
    },
  };
}

/** The mailer the sidecar's env configures, or null when MAIL_API_URL / MAIL_API_TOKEN are unset (then nothing is queued). */
export function mailerFromEnv(env: { MAIL_API_URL?: string; MAIL_API_TOKEN?: string; MAIL_FROM?: string }): Mailer | null {
  if (!env.MAIL_API_URL || !env.MAIL_API_TOKEN) return null;
  return createHttpMailer({
    baseUrl: env.MAIL_API_URL,
    token: env.MAIL_API_TOKEN,
    from: env.MAIL_FROM || "Tutoring center <bookings@example.edu>",
    // The global fetch, looked up per call: workers tests install the fake mail API as the global fetch.
    fetch: (input, init) => fetch(input, init),
  });
}

export function mailConfigured(env: { MAIL_API_URL?: string; MAIL_API_TOKEN?: string }): boolean {
  return Boolean(env.MAIL_API_URL && env.MAIL_API_TOKEN);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (typeof error === "object" && error !== null && "name" in error && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}
