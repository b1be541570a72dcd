// The wire shapes of the account routes live in the shared module both workers import.
export { AccountView, SignInLinkRedeem, SignInLinkRequest, SignOutRequest } from "@/lib/accounts/schemas";
