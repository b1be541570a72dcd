export { SsoSettingsInput as SsoSettingsBody } from "@/lib/accounts/sso";
