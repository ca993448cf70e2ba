/**
 * `quorum-psi` commands: run, ngo *, board, arbiter check (issue 14; docs/cli-design.md). Node only.
 * @module
 */
import type { Command } from './io.js';

export const NGO_COMMANDS: readonly Command[] = [];
