import { z } from "@/lib/zod";
import { BookingLinkToken } from "@/lib/mail/manage-link";

// The wire shapes of this route live in the shared module both workers import.
export { BookingLinkView } from "@/lib/mail/manage-link";

/** The path's token: only its size is checked here; the sidecar, which holds the key, verifies it. */
export const BookingLinkParams = z.object({ token: BookingLinkToken });
