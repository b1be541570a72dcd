import { z } from "@/lib/zod";

/**
 * The console's one way to call `/api/staff/*` from the browser: JSON in,
 * JSON out, and a refusal thrown as a StaffApiError carrying the route's
 * message and its field issues ("name", "hours.1.start"), so every page words
 * a refusal the same way.
 */

const ErrorBody = z.object({
  error: z.object({ message: z.string(), issues: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional() }),
});

export class StaffApiError extends Error {
  constructor(
    message: string,
    /** The first issue per field path. */
    readonly fields: Record<string, string> = {},
    /** Every issue, in order (for a refusal not tied to one field). */
    readonly issues: { path?: string; message: string }[] = [],
  ) {
    super(message);
  }

  /** The message with its issues, for a page that shows one line. */
  get summary(): string {
    const issues = this.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    return issues.length ? `${this.message} (${issues.join("; ")})` : this.message;
  }
}

export async function staffApi(path: string, init: { method?: "GET" | "POST" | "PUT" | "DELETE"; body?: unknown } = {}): Promise<unknown> {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const response = await fetch(path, {
    method,
    cache: "no-store",
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const data: unknown = await response.json().catch(() => null);
  if (response.ok) return data;
  const parsed = ErrorBody.safeParse(data);
  if (!parsed.success) throw new StaffApiError("Something went wrong. Please try again.");
  const fields: Record<string, string> = {};
  const issues = parsed.data.error.issues ?? [];
  for (const issue of issues) if (issue.path) fields[issue.path] ??= issue.message;
  throw new StaffApiError(parsed.data.error.message, fields, issues);
}
