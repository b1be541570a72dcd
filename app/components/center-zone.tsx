"use client";

import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import { sameZone } from "@/lib/center/time-zone";

/**
 * The center's time zone in the browser: the root layout reads the setting on the server
 * (lib/server/center.ts) and provides it here. Every time the site shows is the center's; the
 * browser's own zone decides only whether the zone is named (./center-time.tsx: a note, a "PT").
 * Kept apart from the components that format, so every page's layout carries only this.
 */
const CenterZone = createContext<string | null>(null);

export function CenterTimeProvider({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  return <CenterZone.Provider value={timeZone}>{children}</CenterZone.Provider>;
}

const never = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
// The server does not know the browser's zone: it renders as if they matched, and the browser adds the names once hydrated.
const unknownOnServer = () => null;

/** The center's zone, and whether this browser's zone differs from it (false until hydrated). */
export function useCenterTime(): { timeZone: string; differs: boolean } {
  const timeZone = useContext(CenterZone);
  const browser = useSyncExternalStore(never, browserZone, unknownOnServer);
  if (timeZone === null) throw new Error("useCenterTime needs the CenterTimeProvider of app/layout.tsx");
  return { timeZone, differs: browser !== null && !sameZone(timeZone, browser) };
}
