import { z } from "@/lib/zod";
import { SessionId } from "@/lib/schemas";

export const ChatParams = z.object({ id: SessionId });
