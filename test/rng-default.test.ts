/**
 * The default randomness serves any length (issue: a list of more than 16,384 items asked the
 * CSPRNG for more than 65,536 bytes in one call and a plain RangeError escaped).
 */
import { describe, expect, it } from 'vitest';
import { ristretto255Sha512 } from '../src/core/group.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import { copyBytes, defaultRng } from '../src/core/utils.js';
import { createQuorumRoster, NgoParty, startRunLocally } from '../src/quorum/ngo.js';

describe('defaultRng', () => {
  it('serves requests above the 65,536-byte platform limit, every chunk filled', () => {
    for (const n of [0, 1, 65_536, 65_537, 200_003]) {
      const b = defaultRng(n);
      expect(b).toBeInstanceOf(Uint8Array);
      expect(b.length).toBe(n);
    }
    // Every 64 KiB chunk of a large request is random (an unfilled chunk would stay all zero).
    const big = defaultRng(5 * 65_536 + 7);
    for (let off = 0; off < big.length; off += 65_536) {
      expect(big.subarray(off, off + 64).some((x) => x !== 0)).toBe(true);
    }
  });

  it('copyBytes copies a pooled Buffer view instead of aliasing it', () => {
    const pool = Buffer.allocUnsafe(4096);
    const view = pool.subarray(37, 37 + 8);
    view.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const c = copyBytes(view);
    view[0] = 99;
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(c.buffer.byteLength).toBe(8);
    expect(Object.getPrototypeOf(c)).toBe(Uint8Array.prototype);
  });

  it('an NgoParty of 20,000 items asks any rng for at most 65,536 bytes per call', () => {
    // Like the platform CSPRNG: one call may not ask for more than 65,536 bytes.
    let largest = 0;
    const strict = (n: number) => {
      largest = Math.max(largest, n);
      if (n > 65_536) throw new RangeError(`rng asked for ${n} bytes in one call`);
      return defaultRng(n);
    };
    const suite = ristretto255Sha512;
    const keys = ['UK', 'CA'].map((jurisdiction) => ({
      jurisdiction,
      ...generateSigningKeyPair(),
    }));
    const roster = createQuorumRoster({
      suite,
      deploymentId: Uint8Array.of(1),
      m: 2,
      itemWidth: 8,
      members: keys.map((k) => ({ jurisdiction: k.jurisdiction, signingPublicKey: k.publicKey })),
    });
    const { config } = startRunLocally(
      roster,
      keys.map((k) => k.secretKey),
      { rng: strict },
    );
    const items = Array.from({ length: 20_000 }, (_, i) => {
      const x = new Uint8Array(8);
      new DataView(x.buffer).setUint32(4, i);
      return x;
    });
    const party = new NgoParty(
      config,
      0,
      (keys[0] as { secretKey: Uint8Array }).secretKey,
      items,
      strict,
    );
    expect(party.listSize).toBe(20_000);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(65_536);
  });
});
