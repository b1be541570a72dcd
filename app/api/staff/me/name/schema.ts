export { StaffDisplayNameInput as DisplayNameBody } from "@/lib/staff/author";
