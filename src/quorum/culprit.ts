/**
 * Errors naming a culprit (docs/security.md "Culprits"): the quorum's checks throw these with the
 * ring index and jurisdiction of the party a failure is attributable to.
 * @module
 */
import {
  type DecodeError,
  type NgoCulprit,
  NgoDecodeError,
  NgoVerificationError,
} from '../core/errors.js';
import type { QuorumConfig } from './ngo-messages.js';

/** Party `index` of the ring as a culprit: its index and its roster jurisdiction. */
export function culprit(config: QuorumConfig, index: number): NgoCulprit {
  return Object.freeze({ index, jurisdiction: config.members[index]?.jurisdiction ?? `#${index}` });
}

/** Throw an {@link NgoVerificationError} naming party `who`. */
export function fail(
  config: QuorumConfig,
  code: string,
  who: number,
  msg: string,
  cause?: unknown,
): never {
  const c = culprit(config, who);
  throw new NgoVerificationError(code, `${msg} (culprit: party ${who}, ${c.jurisdiction})`, c, {
    cause,
  });
}

/** Rethrow a {@link DecodeError} as an {@link NgoDecodeError} naming party `who`. */
export function failDecode(config: QuorumConfig, e: DecodeError, who: number, what: string): never {
  const c = culprit(config, who);
  throw new NgoDecodeError(
    e.code,
    `${what}: ${e.message} (culprit: party ${who}, ${c.jurisdiction})`,
    c,
    {
      cause: e,
    },
  );
}
