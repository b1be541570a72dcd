import type { AvailabilitySlot, SessionSlot, TutorMode } from "@/lib/tutoring/schemas";

const DATE = new Intl.DateTimeFormat("en-US", { weekday: "long", month: "short", day: "numeric", timeZone: "UTC" });

/** "Monday, Nov 23, 10:00–11:00" */
export function slotLabel(slot: Pick<SessionSlot, "date" | "start" | "end">): string {
  return `${DATE.format(new Date(`${slot.date}T00:00:00Z`))}, ${slot.start}–${slot.end}`;
}

export function modeLabel(mode: TutorMode | "online" | "in_person"): string {
  return mode === "in_person" ? "In person" : mode === "both" ? "Online or in person" : "Online";
}

export function availabilityLabel(slot: AvailabilitySlot): string {
  return `${slot.day.charAt(0).toUpperCase()}${slot.day.slice(1, 3)} ${slot.start}–${slot.end}`;
}
