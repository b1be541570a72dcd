// The wire shapes of this route live in the shared module both workers import.
export { BookingLinkMoveBody, BookingLinkMoved, BookingLinkMoveOptions } from "@/lib/mail/manage-link";
export { BookingLinkParams } from "../schema";
