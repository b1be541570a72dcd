import { hostKey } from "./ids";

/**
 * Which center a host name names, kept per isolate for `ttlMs` per host (the web worker's pages
 * and routes, the sidecar's socket door), so a busy host costs one indexed D1 read a minute per
 * isolate, and a center created meanwhile is reached within that minute. Bounded: a flood of
 * made-up hosts empties it rather than growing it.
 */
export function hostCache<T>({ ttlMs = 60_000, limit = 256 }: { ttlMs?: number; limit?: number } = {}) {
  const byHost = new Map<string, { value: T; until: number }>();
  return async (host: string, now: number, load: (key: string) => Promise<T>): Promise<T> => {
    const key = hostKey(host);
    const cached = byHost.get(key);
    if (cached && cached.until > now) return cached.value;
    const value = await load(key);
    if (byHost.size >= limit) byHost.clear();
    byHost.set(key, { value, until: now + ttlMs });
    return value;
  };
}

/** The host a request was made to: a proxy's `x-forwarded-host` first, else `host`, else the URL's. */
export function hostOf(headers: Headers, url?: string): string {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || headers.get("host") || (url ? new URL(url).host : "");
}
