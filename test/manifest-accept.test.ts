/**
 * SPEC §5 client acceptance: the client refuses a manifest signed by m-1 jurisdictions, by two
 * NGOs of the same jurisdiction, by an untrusted key, an expired manifest, and public data whose
 * root (or header) differs; it accepts a valid quorum. Each refusal has its own error code.
 */
import { describe, expect, it } from 'vitest';
import { auditDatabase, encodeAuditBundle, manifestBodyFor } from '../src/audit.js';
import { buildDatabase } from '../src/builder.js';
import { VerificationError } from '../src/errors.js';
import { p256Sha256, ristretto255Sha512 } from '../src/group.js';
import {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  signManifest,
  type TrustedNgo,
} from '../src/manifest.js';
import { computeRoot, rateToU32, splitPublicData } from '../src/pdata.js';
import { generateSigningKeyPair } from '../src/sign.js';
import { concatBytes } from '../src/utils.js';
import { TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

describe.each([ristretto255Sha512, p256Sha256])('manifest acceptance on $name', (suite) => {
  const rng = seededRng(`manifest-${suite.name}`);
  const items = Array.from({ length: 10 }, (_, i) =>
    new TextEncoder().encode(`m-item-${String(i).padStart(3, '0')}`),
  );
  const built = buildDatabase(items, {
    suite,
    rng,
    params: {
      threshold: 3,
      sMax: 1,
      syntheticRate32: rateToU32(0.1),
      payloadSize: 8,
      reviewerKeys: [TEST_REVIEWER_KEY],
    },
  });
  const verdict = auditDatabase(built.publicData, encodeAuditBundle(built), {
    claimedRoot: built.root,
    qualifiedItems: () => built.items,
  });
  if (!verdict.ok) throw new Error('audit failed');
  const ngos = [
    { name: 'NGO-A', jurisdiction: 'UK', kp: generateSigningKeyPair(rng) },
    { name: 'NGO-B', jurisdiction: 'CA', kp: generateSigningKeyPair(rng) },
    { name: 'NGO-C', jurisdiction: 'NL', kp: generateSigningKeyPair(rng) },
    { name: 'NGO-D', jurisdiction: 'UK', kp: generateSigningKeyPair(rng) },
  ];
  const trust: TrustedNgo[] = ngos.map((n) => ({
    name: n.name,
    jurisdiction: n.jurisdiction,
    publicKey: n.kp.publicKey,
  }));
  const body = encodeManifestBody(
    manifestBodyFor(built.publicData, verdict, 2, { notBefore: 1000, notAfter: 2000 }),
  );
  const signedBy = (names: string[], keys = ngos) =>
    encodeManifest(
      body,
      names.map((nm) => {
        const n = keys.find((x) => x.name === nm);
        if (!n) throw new Error(nm);
        return { publicKey: n.kp.publicKey, signature: signManifest(n.kp.secretKey, body) };
      }),
    );
  const opts = { trust, m: 2, now: 1500 };
  const refuse = (pdata: Uint8Array, manifest: Uint8Array, code: string, o = opts) => {
    let err: unknown;
    try {
      acceptDatabase(pdata, manifest, o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VerificationError);
    expect((err as VerificationError).code).toBe(code);
  };

  it('accepts public data with a valid quorum of distinct trusted jurisdictions', () => {
    const db = acceptDatabase(built.publicData, signedBy(['NGO-A', 'NGO-B']), opts);
    expect(db.root).toEqual(built.root);
    expect(decodeManifest(signedBy(['NGO-A'])).body.rule).toBe(2);
  });

  it('refuses a manifest signed by m-1 jurisdictions', () => {
    refuse(built.publicData, signedBy(['NGO-C']), 'manifest.quorum');
  });

  it('refuses two NGOs of the same jurisdiction as a quorum', () => {
    refuse(built.publicData, signedBy(['NGO-A', 'NGO-D']), 'manifest.quorum');
  });

  it('refuses a signature by a key outside the trust list', () => {
    const outsider = { name: 'NGO-X', jurisdiction: 'FR', kp: generateSigningKeyPair(rng) };
    refuse(built.publicData, signedBy(['NGO-A', 'NGO-X'], [...ngos, outsider]), 'manifest.quorum');
  });

  it('refuses a forged signature (a trusted key, a signature over another body)', () => {
    const other = new Uint8Array(body);
    other[other.length - 1] ^= 1;
    const [a, b] = ngos as [(typeof ngos)[0], (typeof ngos)[0]];
    const forged = encodeManifest(body, [
      { publicKey: a.kp.publicKey, signature: signManifest(a.kp.secretKey, body) },
      { publicKey: b.kp.publicKey, signature: signManifest(b.kp.secretKey, other) },
    ]);
    refuse(built.publicData, forged, 'manifest.quorum');
  });

  it('refuses an expired manifest and one not yet valid', () => {
    refuse(built.publicData, signedBy(['NGO-A', 'NGO-B']), 'manifest.expired', {
      ...opts,
      now: 2001,
    });
    refuse(built.publicData, signedBy(['NGO-A', 'NGO-B']), 'manifest.not-yet-valid', {
      ...opts,
      now: 999,
    });
  });

  it('refuses a manifest audited under a weaker rule than the client requires', () => {
    refuse(built.publicData, signedBy(['NGO-A', 'NGO-B', 'NGO-C']), 'manifest.rule', {
      ...opts,
      m: 3,
    });
  });

  it('refuses public data whose root differs (one cell changed after signing)', () => {
    const { headerBytes, cells } = splitPublicData(built.publicData);
    const changed: Uint8Array[] = cells.map((c) => c.slice());
    changed[0] = suite.encode(suite.mulBase(99n));
    const tampered = concatBytes(headerBytes, ...changed);
    expect(computeRoot(headerBytes, changed)).not.toEqual(built.root);
    refuse(tampered, signedBy(['NGO-A', 'NGO-B']), 'manifest.root');
  });

  it('refuses public data whose header differs from the manifest', () => {
    const tampered = built.publicData.slice();
    tampered[8] = (tampered[8] as number) ^ 1; // inside T / s_max
    refuse(tampered, signedBy(['NGO-A', 'NGO-B']), 'manifest.header');
  });
});
