import { fail, ok, zodIssues, type Result } from "../../lib/errors";
import { randomHex } from "../../lib/ids";
import { TutorId, TutorInput, type StaffTutorDetail, type StaffTutorList } from "../../lib/staff/tutor-schemas";
import { findStaffTutor, futureBookingsOf, insertTutor, listStaffTutors, retireTutor, updateTutor } from "../../services/db/tutors";
import { announceCenterChange } from "../../services/center";
import { catalogEditor, catalogViewer } from "./sessions";
import { clock } from "../../lib/time";

const NOT_FOUND = "There is no tutor with that id.";

/**
 * The tutor editor: staff and admins add, edit and retire tutors; a tutor-role
 * member may look but not change anything (docs/staff.md, "Tutors",
 * says why). Every change is written to D1 and announced to the center's Center object, which
 * pushes the new catalog version to every chat: an edit applies to the next message in every chat.
 */
export class StaffTutors {
  constructor(private readonly env: Pick<Env, "DB" | "CENTER"> & Partial<Pick<Env, "RATE_LIMITER">>) {}

  private viewer(sessionToken: unknown) {
    return catalogViewer(this.env, sessionToken);
  }

  private editor(sessionToken: unknown) {
    return catalogEditor(this.env, sessionToken, "Only staff and admins can change tutors.");
  }

  /** Every tutor, retired ones flagged. */
  async list(sessionToken: unknown): Promise<Result<StaffTutorList>> {
    const session = await this.viewer(sessionToken);
    if (!session.ok) return session;
    return ok({ tutors: await listStaffTutors(this.env.DB, { center: session.value.member.centerId }), canEdit: session.value.canEdit });
  }

  /** One tutor; a retired tutor's future sessions come with it for staff to rebook (students' names: not for tutors). */
  async get(sessionToken: unknown, tutorId: unknown): Promise<Result<StaffTutorDetail>> {
    const session = await this.viewer(sessionToken);
    if (!session.ok) return session;
    const id = TutorId.safeParse(tutorId);
    if (!id.success) return fail("not_found:tutor", NOT_FOUND);
    return this.detail(session.value.member.centerId, id.data, session.value.canEdit);
  }

  /** A new tutor with a fresh `t-` id, matched by the assistant from the next message on. */
  async create(sessionToken: unknown, input: unknown): Promise<Result<StaffTutorDetail>> {
    const session = await this.editor(sessionToken);
    if (!session.ok) return session;
    const parsed = TutorInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Check the tutor's details.", zodIssues(parsed.error));
    const id = `t-${randomHex(8)}`;
    const center = session.value.member.centerId;
    await insertTutor(this.env.DB, { center, id, input: parsed.data, now: clock.now() });
    await announceCenterChange(this.env, center);
    return this.detail(center, id, true);
  }

  /** Replaces a live tutor's profile, subjects and hours at once; a retired tutor cannot be edited (409). */
  async update(sessionToken: unknown, tutorId: unknown, input: unknown): Promise<Result<StaffTutorDetail>> {
    const session = await this.editor(sessionToken);
    if (!session.ok) return session;
    const id = TutorId.safeParse(tutorId);
    if (!id.success) return fail("not_found:tutor", NOT_FOUND);
    const parsed = TutorInput.safeParse(input);
    if (!parsed.success) return fail("bad_request:body", "Check the tutor's details.", zodIssues(parsed.error));
    const center = session.value.member.centerId;
    const outcome = await updateTutor(this.env.DB, { center, id: id.data, input: parsed.data, now: clock.now() });
    if (outcome === "not_found") return fail("not_found:tutor", NOT_FOUND);
    if (outcome === "retired") return fail("conflict:tutor", "This tutor has retired; their profile can no longer be changed.");
    await announceCenterChange(this.env, center);
    return this.detail(center, id.data, true);
  }

  /**
   * Retires a tutor: never matched or booked again, kept for the bookings that
   * name them. Their confirmed future sessions stay booked and come back in
   * `toRebook`, for staff to move to someone else. Retiring twice is harmless.
   */
  async retire(sessionToken: unknown, tutorId: unknown): Promise<Result<StaffTutorDetail>> {
    const session = await this.editor(sessionToken);
    if (!session.ok) return session;
    const id = TutorId.safeParse(tutorId);
    if (!id.success) return fail("not_found:tutor", NOT_FOUND);
    const center = session.value.member.centerId;
    const retired = await retireTutor(this.env.DB, { center, id: id.data, now: clock.now() });
    if (!retired) return fail("not_found:tutor", NOT_FOUND);
    await announceCenterChange(this.env, center);
    return this.detail(center, id.data, true);
  }

  /** The member's center's tutor; another center's is not found, as an unknown id. */
  private async detail(center: string, id: string, canEdit: boolean): Promise<Result<StaffTutorDetail>> {
    const tutor = await findStaffTutor(this.env.DB, { center, id });
    if (!tutor) return fail("not_found:tutor", NOT_FOUND);
    const toRebook = canEdit && tutor.retiredAt !== null ? await futureBookingsOf(this.env.DB, { center, tutorId: id, now: clock.now() }) : [];
    return ok({ tutor, toRebook, canEdit });
  }
}
