export { ChatListQuery } from "@/lib/schemas";
