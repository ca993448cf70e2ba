/**
 * `quorum-psi` commands: client accept, client voucher (issue 14; docs/cli-design.md). Node only.
 * @module
 */
import type { Command } from './io.js';

export const CLIENT_COMMANDS: readonly Command[] = [];
