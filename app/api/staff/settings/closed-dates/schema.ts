import { z } from "@/lib/zod";
import { CalendarDate } from "@/lib/center/policy";

export { ClosedDate as ClosedDateBody } from "@/lib/center/policy";
export const ClosedDateParams = z.object({ date: CalendarDate });
