-- Campus single sign-on over OpenID Connect (services/oidc.ts, docs/accounts-sso.md): the center's
-- identity provider, set by hand (`wrangler d1 execute`) until the settings page edits it. SSO is on
-- when `oidc_issuer` and `oidc_client_id` are both set and the sidecar holds OIDC_CLIENT_SECRET.
ALTER TABLE `center_settings` ADD `oidc_issuer` text;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `oidc_client_id` text;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `oidc_allowed_domains` text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `oidc_staff_claim` text;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `oidc_staff_values` text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `oidc_admin_values` text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE `center_settings` ADD `oidc_label` text;
