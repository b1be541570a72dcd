import { z } from "../zod";
import { StudentFact } from "./schemas";

/** The memory page's wire shapes: `GET /api/memory` and `POST /api/memory/forget-me`. */

export const MemoryFacts = z.object({ facts: z.array(StudentFact) });

export const ForgetMeAnswer = z.object({
  /** Facts the memory held (now none; its storage is gone). */
  facts: z.number().int().nonnegative(),
  /** Chats deleted from D1 (live and in the trash); `cleaned` of them had their object emptied at once. */
  chats: z.object({ deleted: z.number().int().nonnegative(), cleaned: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
});
export type ForgetMeSummary = z.infer<typeof ForgetMeAnswer>;
