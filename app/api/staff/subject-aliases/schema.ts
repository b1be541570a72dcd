export { SubjectAliasInput as SubjectAliasBody, SubjectAliasParams } from "@/lib/staff/alias-schemas";
