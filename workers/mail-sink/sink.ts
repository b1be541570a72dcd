import { DurableObject } from "cloudflare:workers";
import { z } from "../../lib/zod";
import { SinkMessage, type SinkMessageList } from "../../lib/mail/sink";

/**
 * The local mail sink (dev, preview and tests only; `npm run deploy` never
 * deploys it). It speaks the provider's API the Mailer uses (lib/mail/mailer.ts:
 * `POST /emails` with a bearer token and an Idempotency-Key, answering `{ id }`,
 * the same id again for a key it has seen) and keeps every message in one
 * SQLite Durable Object, so `/dev/mail` can list them: `GET /emails`.
 */

interface SinkEnv {
  MAILBOX: DurableObjectNamespace<MailSinkBox>;
}

/** What a provider accepts: Resend's shape, the fields the Mailer sends. */
const Incoming = z.object({
  from: z.string().min(1).max(320),
  to: z.array(z.string().min(3).max(320)).min(1).max(50),
  subject: z.string().min(1).max(998),
  text: z.string().max(100_000).optional(),
  html: z.string().max(100_000).optional(),
  attachments: z.array(z.object({ filename: z.string().min(1).max(255), content: z.string().max(1_000_000), content_type: z.string().max(255).optional() })).max(10).optional(),
  headers: z.record(z.string().max(100), z.string().max(2_000)).optional(),
});

const LIST_LIMIT = 100;

export class MailSinkBox extends DurableObject<SinkEnv> {
  constructor(ctx: DurableObjectState, env: SinkEnv) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, received_at INTEGER NOT NULL, message TEXT NOT NULL)`,
      );
    });
  }

  /** Stores a message once per idempotency key; answers its id. */
  async accept(body: z.infer<typeof Incoming>, idempotencyKey: string | null): Promise<string> {
    if (idempotencyKey) {
      const known = this.ctx.storage.sql.exec<{ id: string }>("SELECT id FROM messages WHERE idempotency_key = ?", idempotencyKey).toArray()[0];
      if (known) return known.id;
    }
    const id = crypto.randomUUID();
    const receivedAt = Date.now();
    const message: SinkMessage = {
      id,
      receivedAt,
      idempotencyKey,
      from: body.from,
      to: body.to,
      subject: body.subject,
      text: body.text ?? "",
      attachments: (body.attachments ?? []).map((file) => ({ filename: file.filename, contentType: file.content_type ?? "application/octet-stream", content: file.content })),
      headers: body.headers ?? {},
    };
    this.ctx.storage.sql.exec("INSERT INTO messages (id, idempotency_key, received_at, message) VALUES (?, ?, ?, ?)", id, idempotencyKey, receivedAt, JSON.stringify(message));
    return id;
  }

  /** The newest messages first. */
  async list(): Promise<SinkMessageList> {
    const rows = this.ctx.storage.sql.exec<{ message: string }>("SELECT message FROM messages ORDER BY received_at DESC, id LIMIT ?", LIST_LIMIT).toArray();
    return { messages: rows.map((row) => SinkMessage.parse(JSON.parse(row.message))) };
  }
}

export default {
  async fetch(request: Request, env: SinkEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return Response.json({ ok: true });
    if (pathname !== "/emails") return Response.json({ name: "not_found", message: "The sink speaks POST /emails and GET /emails." }, { status: 404 });
    if (!/^Bearer \S+$/.test(request.headers.get("authorization") ?? "")) return Response.json({ name: "missing_api_key", message: "Missing API key." }, { status: 401 });
    const box = env.MAILBOX.get(env.MAILBOX.idFromName("local"));
    if (request.method === "GET") return Response.json(await box.list());
    if (request.method !== "POST") return Response.json({ name: "method_not_allowed", message: "POST or GET." }, { status: 405 });
    let raw: unknown;
    try {
      raw = await request.json();
    } catch {
      return Response.json({ name: "validation_error", message: "The body is not JSON." }, { status: 422 });
    }
    const body = Incoming.safeParse(raw);
    if (!body.success) return Response.json({ name: "validation_error", message: body.error.message }, { status: 422 });
    return Response.json({ id: await box.accept(body.data, request.headers.get("idempotency-key")) });
  },
};
