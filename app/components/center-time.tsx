"use client";

import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import { formatInstant, sameZone, zoneNoteText } from "@/lib/center/time-zone";

/**
 * The center's time zone in the browser: the root layout reads the setting on the server
 * (lib/server/center.ts) and provides it here. Every time the site shows is the center's; the
 * browser's own zone decides only whether the zone is named (a note, a "PT" after an instant).
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

/** "All times are Pacific Time (Los Angeles), the center's time zone.", only where the browser's zone differs. */
export function ZoneNote({ className = "subtitle zone-note" }: { className?: string }) {
  const { timeZone, differs } = useCenterTime();
  if (!differs) return null;
  return (
    <p className={className} data-testid="zone-note">
      {zoneNoteText(timeZone)}
    </p>
  );
}

/** An instant (epoch ms) at the center: "Wed, Nov 19, 10:05", with " PT" where the browser's zone differs. */
export function When({ at }: { at: number }) {
  const { timeZone, differs } = useCenterTime();
  return <time dateTime={new Date(at).toISOString()}>{formatInstant(at, timeZone, { withZone: differs })}</time>;
}
