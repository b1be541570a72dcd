export { FallbackTurnRequest as AssistantTurnBody } from "@/lib/schemas";
