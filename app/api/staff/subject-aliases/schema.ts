import { z } from "@/lib/zod";
import { SubjectAliasKey } from "@/lib/staff/alias-schemas";

export { SubjectAliasInput as SubjectAliasBody } from "@/lib/staff/alias-schemas";
export const SubjectAliasParams = z.object({ aliasKey: SubjectAliasKey });
