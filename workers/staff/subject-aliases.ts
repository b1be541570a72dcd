import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { MAX_SUBJECT_ALIASES, SubjectAliasInput, SubjectAliasKey, type SubjectAlias, type SubjectAliasList } from "../../lib/staff/alias-schemas";
import { centerAliasKey } from "../../lib/tutoring/center-aliases";
import { createD1Catalog } from "../../services/db/catalog";
import { countSubjectAliases, deleteSubjectAlias, insertSubjectAlias, listSubjectAliases, taughtSubject } from "../../services/db/subject-aliases";
import { clock } from "../../lib/time";
import { announceCenterChange } from "../../services/center";
import { catalogEditor, catalogViewer } from "./sessions";

const NOT_FOUND = "There is no such alias.";

/**
 * The center's names for its subjects ("MATH 151" → Calculus I), a section of the tutor editor:
 * staff and admins add and remove them, a tutor-role member may look. Adding or removing one moves
 * the catalog version in D1 and is announced to the Center, so the next message in every chat reads them.
 */
export class StaffSubjectAliases {
  constructor(private readonly env: Pick<Env, "DB" | "CENTER"> & Partial<Pick<Env, "RATE_LIMITER">>) {}

  private viewer(sessionToken: unknown) {
    return catalogViewer(this.env, sessionToken);
  }

  private editor(sessionToken: unknown) {
    return catalogEditor(this.env, sessionToken, "Only staff and admins can change subject aliases.");
  }

  /** Every alias and the subjects an alias may name. */
  async list(sessionToken: unknown): Promise<Result<SubjectAliasList>> {
    const session = await this.viewer(sessionToken);
    if (!session.ok) return session;
    const center = session.value.member.centerId;
    const [aliases, subjects] = await Promise.all([listSubjectAliases(this.env.DB, { center }), createD1Catalog(this.env.DB, { center }).subjects()]);
    return ok({ aliases, subjects, canEdit: session.value.canEdit });
  }

  /** Adds an alias for a subject some tutor teaches; 409 when the alias already names a subject (this one or another). */
  async add(sessionToken: unknown, input: unknown): Promise<Result<SubjectAlias>> {
    const session = await this.editor(sessionToken);
    if (!session.ok) return session;
    const parsed = SubjectAliasInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Check the alias.", zodIssues(parsed.error));
    const { alias } = parsed.data;
    const center = session.value.member.centerId;
    const subject = await taughtSubject(this.env.DB, { center, subject: parsed.data.subject });
    if (!subject) return fail("bad_request:body", "Check the alias.", [{ path: "subject", message: "not a subject any tutor teaches" }]);
    const aliasKey = centerAliasKey(alias);
    const itself = await taughtSubject(this.env.DB, { center, subject: aliasKey });
    if (itself) return fail("bad_request:body", "Check the alias.", [{ path: "alias", message: `${itself} is already a subject's name` }]);
    if ((await countSubjectAliases(this.env.DB, { center })) >= MAX_SUBJECT_ALIASES) {
      return fail("bad_request:body", "Check the alias.", [{ path: "alias", message: `at most ${MAX_SUBJECT_ALIASES} aliases; remove one first` }]);
    }
    const row: SubjectAlias = { aliasKey, alias, subject, createdAt: clock.now() };
    const inserted = await insertSubjectAlias(this.env.DB, { center, alias: row });
    if (!inserted.added) {
      const holder = inserted.existing?.subject ?? "another subject";
      return fail("conflict:subject_alias", `“${alias}” already names ${holder}.`);
    }
    await announceCenterChange(this.env, center);
    return ok(row);
  }

  /** Removes an alias by its key; 404 when there is none. */
  async remove(sessionToken: unknown, aliasKey: unknown): Promise<Result<{ removed: true }>> {
    const session = await this.editor(sessionToken);
    if (!session.ok) return session;
    const key = SubjectAliasKey.safeParse(aliasKey);
    if (!key.success) return fail("not_found:subject_alias", NOT_FOUND);
    const center = session.value.member.centerId;
    if (!(await deleteSubjectAlias(this.env.DB, { center, aliasKey: key.data }))) return fail("not_found:subject_alias", NOT_FOUND);
    await announceCenterChange(this.env, center);
    return ok({ removed: true });
  }
}
