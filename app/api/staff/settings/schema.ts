export { CenterSettingsInput as SettingsBody } from "@/lib/center/policy";
