import type { AvailabilitySlot, SessionSlot, TutorMode } from "@/lib/tutoring/schemas";
import type { UiPhrases } from "@/lib/ui/phrases/types";

const DATES = new Map<string, Intl.DateTimeFormat>();

/** "Monday, Nov 23, 10:00–11:00" (in another locale: "lunes, 23 nov, 10:00–11:00"). */
export function slotLabel(slot: Pick<SessionSlot, "date" | "start" | "end">, locale = "en-US"): string {
  let format = DATES.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { weekday: "long", month: "short", day: "numeric", timeZone: "UTC" });
    DATES.set(locale, format);
  }
  return `${format.format(new Date(`${slot.date}T00:00:00Z`))}, ${slot.start}–${slot.end}`;
}

export function modeLabel(mode: TutorMode | "online" | "in_person", words?: UiPhrases["mode"]): string {
  if (words) return mode === "in_person" ? words.inPerson : mode === "both" ? words.both : words.online;
  return mode === "in_person" ? "In person" : mode === "both" ? "Online or in person" : "Online";
}

export function availabilityLabel(slot: AvailabilitySlot): string {
  return `${slot.day.charAt(0).toUpperCase()}${slot.day.slice(1, 3)} ${slot.start}–${slot.end}`;
}

/** availabilityLabel with the day named in the chat's language ("lun 10:00–12:00"). */
export function availabilityLabelIn(slot: AvailabilitySlot, days: UiPhrases["weekdayShort"]): string {
  return `${days[slot.day]} ${slot.start}–${slot.end}`;
}
