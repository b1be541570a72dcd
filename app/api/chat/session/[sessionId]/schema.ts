// The wire shapes of this route live in the shared module both workers import.
export { SessionPatch as PatchSessionBody } from "@/lib/schemas";
