import { z } from "@/lib/zod";
import { FactId } from "@/lib/memory/schemas";

export const FactParams = z.object({ factId: FactId });
