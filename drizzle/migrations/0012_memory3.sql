-- When the owner last used "Forget me" (epoch ms; null: never). A chat turn already in flight may
-- send what it learned after the memory was deleted: the StudentMemory reads this before it creates
-- itself again and refuses facts from exchanges that began before it (docs/architecture.md).
ALTER TABLE `profiles` ADD `memory_forgotten_at` integer;
