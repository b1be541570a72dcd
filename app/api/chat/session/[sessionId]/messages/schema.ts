export { MessagePageQuery as ListMessagesQuery, NewUserMessage as PostMessageBody } from "@/lib/schemas";
