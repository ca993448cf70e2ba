/**
 * The integrity checksum that ends every stored state (SPEC v2 §6, §7; docs/wire-format.md
 * "Integrity checksum"): client and server account states, the server database secret, an NGO's
 * party and set-up states, an auditor's state. A checksum, not a MAC: it catches corruption and a
 * file of another kind, not a deliberate forgery (secrets at rest are locked, src/core/locked-secret.ts).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  KIND,
  KIND_NAME,
  MAGIC,
  STATE_CHECKSUM_LABEL,
  STATE_CHECKSUM_LENGTH,
} from './constants.js';
import { DecodeError } from './errors.js';
import { checkBytes, concatBytes, equalBytes } from './utils.js';

function stateChecksum(label: string, body: Uint8Array): Uint8Array {
  return sha256(concatBytes(new TextEncoder().encode(label), Uint8Array.of(0), body));
}

/** `body ‖ SHA-256(label ‖ 0x00 ‖ body)`: a stored state with its integrity checksum. */
export function appendChecksum(label: string, body: Uint8Array): Uint8Array {
  return concatBytes(body, stateChecksum(label, body));
}

/** The checksum label of each kind of stored state. */
const STATE_LABEL_BY_KIND: ReadonlyMap<number, string> = new Map([
  [KIND.accountState, STATE_CHECKSUM_LABEL.clientAccount],
  [KIND.serverAccountState, STATE_CHECKSUM_LABEL.serverAccount],
  [KIND.serverDatabaseSecret, STATE_CHECKSUM_LABEL.serverDatabase],
]);

/**
 * Copy `bytes` (never alias the caller's buffer), verify the checksum that ends it, and return
 * the body (a view of the private copy). Every failure is a {@link DecodeError}: `decode.truncated`
 * below the checksum's length, `decode.integrity` for a mismatch. `TypeError` for a non-byte array.
 */
export function verifyChecksum(
  what: string,
  label: string,
  bytes: Uint8Array,
  kind?: number,
): Uint8Array {
  checkBytes(what, bytes);
  const own = Uint8Array.from(bytes);
  if (own.length < STATE_CHECKSUM_LENGTH) {
    throw new DecodeError('decode.truncated', `${what}: shorter than its checksum`);
  }
  const body = own.subarray(0, own.length - STATE_CHECKSUM_LENGTH);
  const sum = own.subarray(body.length);
  if (!equalBytes(stateChecksum(label, body), sum)) {
    // Another kind of stored state (a person handed over the wrong file) is named as such, but
    // only when its own checksum proves it: a flipped kind byte is corruption, not another kind.
    const k = own.length > 2 && own[0] === MAGIC[0] && own[1] === MAGIC[1] ? own[2] : undefined;
    if (kind !== undefined && k !== undefined && k !== kind) {
      const name = (x: number) => KIND_NAME[x] ?? `an unknown object (kind 0x${x.toString(16)})`;
      const other = STATE_LABEL_BY_KIND.get(k);
      if (other !== undefined && equalBytes(stateChecksum(other, body), sum)) {
        throw new DecodeError('decode.kind', `${what}: this is ${name(k)}, not ${name(kind)}`);
      }
      throw new DecodeError(
        'decode.integrity',
        `${what}: checksum mismatch (its header names ${name(k)}: corrupted, or not ${name(kind)})`,
      );
    }
    throw new DecodeError(
      'decode.integrity',
      `${what}: checksum mismatch (corrupted, truncated or not this kind of state)`,
    );
  }
  return body;
}
