/**
 * "This browser has an owner now", said in the browser. The owner cookie is HttpOnly, so no page
 * can see it appear: the request that mints it says so here (the chat's `/api/health`, the page's
 * first request, mints the owner: lib/server/owner-cookie.ts), and whoever waits for an owner
 * listens (the header's bell, which a first visit mounts before the cookie exists). The browser's
 * other tabs hear it over a BroadcastChannel. Nothing polls: it is said only when a page loads.
 */

const CHANNEL = "tutor-chat:owner";
const listeners = new Set<() => void>();
/** One channel per tab, opened on first use (never during server rendering); null where the browser has none. */
let channel: BroadcastChannel | null | undefined;

function tell(): void {
  for (const listener of [...listeners]) listener();
}

function sharedChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
    // A channel never hears its own messages: this tab's listeners are told directly.
    channel?.addEventListener("message", tell);
  }
  return channel;
}

/** The page now has an owner cookie: tell this tab's listeners and the other tabs. */
export function announceOwner(): void {
  tell();
  sharedChannel()?.postMessage("owner");
}

/** Calls `listener` whenever a page of this site (this tab or another) says it has an owner; returns the unsubscribe. */
export function onOwner(listener: () => void): () => void {
  listeners.add(listener);
  sharedChannel();
  return () => {
    listeners.delete(listener);
  };
}
