import type { z } from "zod";
import { AppError, toAppError, zodIssues } from "../errors";
import { MAX_BODY_BYTES } from "../schemas";
import type { ClientIp } from "../sidecar-api";
import { CLEARED_OWNER_COOKIE, type Owner } from "./owner-cookie";

/**
 * Reads a JSON body: refuses a wrong content type, more than MAX_BODY_BYTES
 * (counted while streaming, so a lying Content-Length cannot get past), bad
 * JSON and anything the schema rejects, each with its own 4xx.
 */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type:body", "Send the body as application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readLimited(request, MAX_BODY_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("bad_request:json", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AppError("bad_request:body", "The body is not valid.", zodIssues(parsed.error));
  return parsed.data;
}

/**
 * Reads a small HTML-form body (`application/x-www-form-urlencoded`, or `multipart/form-data` as
 * RFC 8058 also allows) of at most `limit` bytes, counted while streaming. A wrong content type,
 * too many bytes or a body that does not parse is a 4xx.
 */
export async function readFormBody(request: Request, limit = 4 * 1024): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  const urlEncoded = type.toLowerCase().startsWith("application/x-www-form-urlencoded");
  if (!urlEncoded && !type.toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError("unsupported_media_type:body", "Send the form as application/x-www-form-urlencoded or multipart/form-data.");
  }
  if (Number(request.headers.get("content-length") ?? "0") > limit) throw new AppError("payload_too_large:body", `The form is larger than ${limit} bytes.`);
  const text = await readLimited(request, limit).catch((error: unknown) => {
    throw error instanceof AppError ? new AppError("payload_too_large:body", `The form is larger than ${limit} bytes.`) : error;
  });
  if (urlEncoded) return new URLSearchParams(text);
  try {
    // The boundary in the header is case-sensitive: passed on as sent.
    const form = await new Response(text, { headers: { "content-type": type } }).formData();
    return new URLSearchParams([...form].flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));
  } catch {
    throw new AppError("bad_request:body", "The form could not be read.");
  }
}

function tooLarge() {
  return new AppError("payload_too_large:body", `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * A state-changing request from a browser must come from this site's own pages:
 * browsers send `Origin` on every cross-site request (and on same-site POSTs)
 * and `Sec-Fetch-Site`, so a foreign one is refused here, beside SameSite=Lax
 * cookies. The Origin's host is compared with the Host header (the URL a route
 * sees on OpenNext is not always the one the browser used). A request with
 * neither header is not a browser's cross-site request (a bot, curl) and passes.
 */
export function requireSameOrigin(request: Request): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  const origin = request.headers.get("origin");
  const host = request.headers.get("host");
  const foreignOrigin = origin !== null && (origin === "null" || host === null || hostOf(origin) !== host);
  if (foreignOrigin || request.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("forbidden:origin", "This request must come from the tutoring center's own pages.");
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * The caller's address as Cloudflare saw it (`CF-Connecting-IP`, set on every request it
 * forwards), for the sidecar's limits by address; absent locally, where nothing is limited by it.
 */
export function callerOf(request: Request): ClientIp | undefined {
  const ip = request.headers.get("cf-connecting-ip");
  return ip ? { ip } : undefined;
}

export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new AppError("bad_request:query", "The query parameters are not valid.", zodIssues(parsed.error));
  return parsed.data;
}

export function parseParams<S extends z.ZodType>(params: unknown, schema: S, notFound: AppError): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw notFound;
  return parsed.data;
}

export function json(data: unknown, init: { status?: number; owner?: Owner } = {}): Response {
  const headers = new Headers({ "cache-control": "no-store" });
  for (const cookie of init.owner?.setCookies ?? []) headers.append("set-cookie", cookie);
  return Response.json(data, { status: init.status ?? 200, headers });
}

/**
 * Runs a route body; every failure leaves as a JSON error with its status, never a stack trace.
 * An owner id whose student asked to be forgotten (410 `gone`, code `gone:owner`) also loses its
 * cookie, so the browser's next request starts afresh with a new owner.
 */
export async function handle(context: string, body: () => Promise<Response>): Promise<Response> {
  try {
    return await body();
  } catch (error) {
    const appError = toAppError(error, context);
    const response = appError.toResponse();
    if (appError.code === "gone:owner") response.headers.append("set-cookie", CLEARED_OWNER_COOKIE);
    return response;
  }
}
