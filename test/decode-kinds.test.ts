/**
 * A decoder given an object of another kind says, in words, what it got and what it expected
 * (a person reads these lines: "this is a manifest, not public data"), never bare hex codes.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../src/core/errors.js';
import { ristretto255Sha512 } from '../src/core/group.js';
import { encodeAuditBundle } from '../src/database/audit.js';
import { acceptDatabase } from '../src/database/manifest.js';
import { ClientAccount, ClientDatabase } from '../src/voucher/client.js';
import { ServerAccount } from '../src/voucher/server.js';
import { makeWorld } from './helpers/protocol.js';

describe('decode errors name object kinds', () => {
  const w = makeWorld(ristretto255Sha512, { threshold: 3, sMax: 2, rate: 0.1, members: 4 });

  it('a server account state given as a client account state, and the reverse', () => {
    let e: unknown;
    try {
      ClientAccount.fromBytes(w.server.toBytes());
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).code).toBe('decode.kind');
    expect((e as Error).message).toMatch(
      /this is a server account state, not a client account state/,
    );
    expect(() => ServerAccount.fromBytes(w.account.toBytes())).toThrow(
      /this is a client account state, not a server account state/,
    );
  });

  it('an audit bundle or a server state handed over as public data is named, not a bad field', () => {
    // Before: the public-data decoder read a field of the bundle as the reviewer count and
    // reported "154 reviewer keys > 16".
    const bundle = encodeAuditBundle(w.built, { version: 1 });
    expect(() => ClientDatabase.load(bundle, w.built.root)).toThrow(
      /this is an audit bundle, not public data/,
    );
    // acceptDatabase names it before comparing it with the manifest's header.
    const opts = { trust: [], m: 1, deploymentId: Uint8Array.of(1), minVersion: 0 };
    expect(() => acceptDatabase(bundle, new Uint8Array(64), opts)).toThrow(
      /this is an audit bundle, not public data/,
    );
    expect(() => ClientDatabase.load(w.server.toBytes(), w.built.root)).toThrow(
      /this is a server account state, not public data/,
    );
  });
});
