import { AppError } from "./errors";
import { createSessionId, isSessionId } from "./ids";

/**
 * Which chat this browser is on: its session id, kept in localStorage. The
 * browser's chat hook and the seed's `getSessionId()` both read it here.
 */

const STORAGE_KEY = "tutor-chat:session-id";

/** The part of Web Storage used here, declared by hand because workerd (which imports this module) has no DOM types. */
export interface SessionIdStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The browser's localStorage, read only when a default is needed: importing this module on the server must not touch it. */
function browserStorage(): SessionIdStorage {
  const { localStorage } = globalThis as { localStorage?: SessionIdStorage };
  if (!localStorage) throw new AppError("internal:server", "There is no localStorage here; pass a storage or a session id.");
  return localStorage;
}

/** The browser's current session id, if it has chatted before. */
export function loadSessionId(storage: Pick<SessionIdStorage, "getItem"> = browserStorage()): string | null {
  const stored = storage.getItem(STORAGE_KEY);
  return isSessionId(stored) ? stored : null;
}

/** Creates and remembers a session id: called on the first chat. */
export function startSession(storage: Pick<SessionIdStorage, "setItem"> = browserStorage()): string {
  const id = createSessionId();
  storage.setItem(STORAGE_KEY, id);
  return id;
}

export function rememberSession(id: string, storage: Pick<SessionIdStorage, "setItem"> = browserStorage()): void {
  if (isSessionId(id)) storage.setItem(STORAGE_KEY, id);
}

export function forgetSession(storage: Pick<SessionIdStorage, "removeItem"> = browserStorage()): void {
  storage.removeItem(STORAGE_KEY);
}

/** The seed's `getSessionId()`: this browser's chat, or a new one on its first visit. */
export function getSessionId(storage: Pick<SessionIdStorage, "getItem" | "setItem"> = browserStorage()): string {
  return loadSessionId(storage) ?? startSession(storage);
}
