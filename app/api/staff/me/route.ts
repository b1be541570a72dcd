import { handle, json } from "@/lib/server/http";
import { requireStaff } from "@/lib/server/staff";

/** Who is signed in (401 otherwise). */
export function GET(request: Request) {
  return handle("GET staff me", async () => {
    const { member, expiresAt } = await requireStaff(request);
    return json({ member, expiresAt });
  });
}
