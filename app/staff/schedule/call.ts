import { z } from "@/lib/zod";

const ErrorBody = z.object({ error: z.object({ message: z.string() }) });

/** GET or POST a staff schedule route; a refusal throws its message. */
export async function call(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(path, body === undefined ? { cache: "no-store" } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(data);
    throw new Error(parsed.success ? parsed.data.error.message : "Something went wrong. Please try again.");
  }
  return data;
}
