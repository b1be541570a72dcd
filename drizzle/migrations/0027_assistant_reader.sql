-- Whether the assistant may ask a model to read a message the built-in reader cannot place
-- (docs/understanding.md, "The model-backed reader"): 'off' or 'model', set by an admin on
-- /staff/settings. It takes effect only where the deployment has the Workers AI binding.
ALTER TABLE `center_settings` ADD `assistant_reader` text DEFAULT 'off' NOT NULL CHECK (`assistant_reader` IN ('off', 'model'));
