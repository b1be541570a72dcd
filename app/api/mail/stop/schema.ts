// The wire shapes of this route live in the shared module both workers import.
export { MailStopQuery, ONE_CLICK_FIELD, ONE_CLICK_VALUE } from "@/lib/mail/stop-link";
