import { z } from "../zod";
import { centerAliasKey } from "../tutoring/center-aliases";

/**
 * The subject aliases staff edit on /staff/tutors (workers/staff/subject-aliases.ts,
 * /api/staff/subject-aliases/**): every shape sent or received, the same rules on both sides.
 */

export const MAX_SUBJECT_ALIASES = 500;

/** One alias for one subject: 2 to 40 characters with a letter or digit, at most five words (what the reader matches). */
export const SubjectAliasInput = z
  .object({
    alias: z
      .string()
      .trim()
      .min(2, "at least 2 characters")
      .max(40, "at most 40 characters")
      .refine((alias) => centerAliasKey(alias).length >= 2, "use letters or digits")
      .refine((alias) => centerAliasKey(alias).split(" ").length <= 5, "at most 5 words"),
    subject: z.string().trim().min(1, "pick a subject").max(60),
  })
  .strict();
export type SubjectAliasInput = z.infer<typeof SubjectAliasInput>;

/** An alias's key in a URL: what `centerAliasKey` makes. */
export const SubjectAliasKey = z
  .string()
  .min(2)
  .max(60)
  .regex(/^[\p{L}\p{N}+#&' ]+$/u)
  .refine((key) => key === key.toLowerCase());

/** A key holds no "%": one still in the segment is URL encoding ("mth%201320"), decoded once. */
function decoded(value: unknown): unknown {
  if (typeof value !== "string" || !value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The DELETE route's segment. */
export const SubjectAliasParams = z.object({ aliasKey: z.preprocess(decoded, SubjectAliasKey) });

export const SubjectAlias = z.object({ aliasKey: z.string(), alias: z.string(), subject: z.string(), createdAt: z.number().int() });
export type SubjectAlias = z.infer<typeof SubjectAlias>;

/** Every alias, the subjects they may name (those some tutor teaches), and whether the viewer may change them. */
export const SubjectAliasList = z.object({ aliases: z.array(SubjectAlias), subjects: z.array(z.string()), canEdit: z.boolean() });
export type SubjectAliasList = z.infer<typeof SubjectAliasList>;
