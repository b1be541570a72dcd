// The wire shapes of this route live in the shared module both workers import.
export { MessageIdParam, ReplyFeedbackBody as PutFeedbackBody } from "@/lib/schemas";
