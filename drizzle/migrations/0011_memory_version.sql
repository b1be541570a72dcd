-- Student memory, cost: a counter the owner's StudentMemory moves on every change to what it holds.
-- A chat keeps its copy of the memory in its own storage and reads this (one row, in parallel with the
-- center's policy) to know whether the copy is current, instead of calling the memory object per wake.
ALTER TABLE `profiles` ADD `memory_version` integer DEFAULT 0 NOT NULL;
