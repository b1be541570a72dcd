/**
 * One error type for the whole product. A code names what went wrong and
 * where (`type:surface`); the table below is the only place a code becomes an
 * HTTP status. Route handlers end with `return error.toResponse()`.
 */

const STATUS = {
  "bad_request:json": 400,
  "bad_request:body": 400,
  "bad_request:query": 400,
  "bad_request:params": 400,
  "bad_request:frame": 400,
  /** An owner id the web worker would never send (it mints them): the sidecar's one answer for it. */
  "bad_request:owner": 400,
  "unauthorized:bot": 401,
  "unauthorized:socket": 401,
  /** Staff sign-in or session: one generic message whichever part failed. */
  "unauthorized:staff": 401,
  /** A student account's session that is signed out, or no account cookie where one is needed. */
  "unauthorized:account": 401,
  /** A campus single sign-on that did not complete (state, code, ID token, domain, unverified email): one generic message. */
  "unauthorized:sso": 401,
  "forbidden:origin": 403,
  "forbidden:internal": 403,
  /** A staff member whose role does not allow this (or who was disabled). */
  "forbidden:staff": 403,
  /** A "Manage this booking" link whose signature does not hold (tampered, cut short, another key's). */
  "forbidden:booking_link": 403,
  "not_found:session": 404,
  "not_found:chat": 404,
  "not_found:message": 404,
  "not_found:booking": 404,
  /** A path that does not exist here (e.g. /dev/mail outside the local stack). */
  "not_found:route": 404,
  /** An unknown or already used staff invite link. */
  "not_found:invite": 404,
  /** A tutor id the staff console does not know. */
  "not_found:tutor": 404,
  /** A subject alias the tutor editor does not hold. */
  "not_found:subject_alias": 404,
  /** A staff member id the members page does not know. */
  "not_found:staff_member": 404,
  /** A passkey that is not (or no longer) one of that member's. */
  "not_found:passkey": 404,
  "not_found:memory": 404,
  /** A center id no center holds (the public reads that take one). */
  "not_found:center": 404,
  /** A notification id that is not one of the student's (the bell). */
  "not_found:notification": 404,
  "conflict:lease": 409,
  "conflict:booking": 409,
  "conflict:message": 409,
  "conflict:passkey": 409,
  /** An edit of a retired tutor. */
  "conflict:tutor": 409,
  /** An alias that already names a subject (one alias, one subject). */
  "conflict:subject_alias": 409,
  /** An invite to an address that already belongs to a member (their role changes on the members page), or a link for a disabled one. */
  "conflict:staff_member": 409,
  /** A change that would leave the center without an active admin. */
  "conflict:last_admin": 409,
  /** A cancel of a session whose start time has come (chat, My bookings, staff): staff mark attendance instead. */
  "already_started:booking": 409,
  /** An email sign-in link that was used, expired, or never issued (one answer for all three). */
  "gone:sign_in_link": 410,
  "gone:chat": 410,
  "gone:invite": 410,
  /** A "Manage this booking" link past its expiry (a day after the session's end). */
  "gone:booking_link": 410,
  /** An owner id whose student asked to be forgotten: it is dead; the browser gets a new one. */
  "gone:owner": 410,
  "payload_too_large:body": 413,
  "unsupported_media_type:body": 415,
  "upgrade_required:socket": 426,
  /** Going too fast: one code per surface (lib/rate-limits.ts says which rule uses which). */
  "rate_limited:api": 429,
  "rate_limited:chats": 429,
  "rate_limited:messages": 429,
  "rate_limited:session": 429,
  "rate_limited:votes": 429,
  "rate_limited:sockets": 429,
  "rate_limited:chat_list": 429,
  "rate_limited:memory": 429,
  "rate_limited:preferences": 429,
  "rate_limited:notifications": 429,
  "rate_limited:bookings": 429,
  "rate_limited:waitlist": 429,
  /** Past the limit every student write shares per client address. */
  "rate_limited:address": 429,
  "rate_limited:sign_in": 429,
  "rate_limited:staff": 429,
  "rate_limited:staff_sign_in": 429,
  "rate_limited:staff_admin": 429,
  "internal:server": 500,
  "bad_gateway:upstream": 502,
  /** The upstream refused the request itself (a 4xx): trying again would get the same answer. */
  "rejected:upstream": 502,
  /** Email sign-in where no mail provider is configured. */
  "unavailable:mail": 503,
  "persistence_unavailable:sidecar": 503,
  "persistence_unavailable:storage": 503,
} as const;

export type ErrorCode = keyof typeof STATUS;

/** What crosses an RPC boundary or the wire: plain data, no stack. */
export interface ErrorBody {
  code: string;
  message: string;
  /** Field-level problems, for a form to show. */
  issues?: { path: string; message: string }[];
  /** For a 429: when trying again can succeed (also sent as the Retry-After header). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody["issues"],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = "AppError";
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  readonly retryAfterSeconds: number | undefined;

  get status(): number {
    return STATUS[this.code];
  }

  /** The public code: the part before the colon, e.g. `persistence_unavailable`. */
  get publicCode(): string {
    return this.code.split(":")[0]!;
  }

  toBody(): ErrorBody {
    return {
      code: this.publicCode,
      message: this.message,
      ...(this.issues ? { issues: this.issues } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    };
  }

  toResponse(): Response {
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (this.retryAfterSeconds !== undefined) headers["retry-after"] = String(this.retryAfterSeconds);
    return Response.json({ error: this.toBody() }, { status: this.status, headers });
  }

  /** Rebuilds an error that crossed RPC as a plain `{ code, message }`. */
  static fromWire(wire: WireError): AppError {
    return new AppError(wire.code, wire.message, wire.issues, { retryAfterSeconds: wire.retryAfterSeconds });
  }
}

/**
 * Rebuilds an error from an HTTP error response: the first code of the table
 * with the same public code and status (the surface is not on the wire).
 */
export function errorFromHttp(status: number, body: unknown): AppError {
  const wire = typeof body === "object" && body !== null && "error" in body ? (body as { error: unknown }).error : null;
  const publicCode = typeof wire === "object" && wire !== null && "code" in wire && typeof wire.code === "string" ? wire.code : "";
  const message =
    typeof wire === "object" && wire !== null && "message" in wire && typeof wire.message === "string" ? wire.message : `Request failed (${status}).`;
  const codes = Object.keys(STATUS) as ErrorCode[];
  const code =
    codes.find((candidate) => candidate.startsWith(`${publicCode}:`) && STATUS[candidate] === status) ??
    codes.find((candidate) => STATUS[candidate] === status) ??
    (status >= 500 ? "internal:server" : "bad_request:body");
  return new AppError(code, message);
}

/** Anything thrown that is not an AppError is logged with its cause and answered generically. */
export function toAppError(error: unknown, context: string): AppError {
  if (error instanceof AppError) return error;
  console.error(`[${context}] unexpected error`, error);
  if (isStorageFault(error)) {
    return new AppError("persistence_unavailable:storage", "Chat storage is not available right now. Please try again shortly.", undefined, { cause: error });
  }
  return new AppError("internal:server", "Something went wrong on our side. Please try again.", undefined, {
    cause: error,
  });
}

const STORAGE_FAULT = /D1_ERROR|SQLITE_|no such table|Network connection lost|Durable Object (?:reset|is overloaded|storage)/i;

/**
 * A failure of the storage under us rather than of our code: a D1 or Durable
 * Object SQLite error (e.g. the tables are gone), a dropped connection to an
 * object, or an error Cloudflare marks retryable or overloaded. Wrappers (an
 * ORM's query error) keep the original as `cause`, so the chain is walked.
 */
export function isStorageFault(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const flags = current as Error & { retryable?: unknown; overloaded?: unknown };
    if (flags.retryable === true || flags.overloaded === true || STORAGE_FAULT.test(current.message)) return true;
  }
  return false;
}

/** An error as RPC methods return it (full code, so the caller can rebuild the AppError). */
export interface WireError {
  code: ErrorCode;
  message: string;
  issues?: ErrorBody["issues"];
  retryAfterSeconds?: number;
}

/** RPC methods return results instead of throwing, so a 4xx survives the service binding intact. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, issues?: WireError["issues"]): Result<never> => ({
  ok: false,
  error: { code, message, ...(issues ? { issues } : {}) },
});

/** A refusal for going too fast: 429 with when to try again. */
export const limited = (code: Extract<ErrorCode, `rate_limited:${string}`>, message: string, retryAfterMs: number): Result<never> => ({
  ok: false,
  error: { code, message, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
});

/** Unwraps a result, throwing its AppError on failure. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw AppError.fromWire(result.error);
}

/** Turns zod issues into the public `issues` list. */
export function zodIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}
