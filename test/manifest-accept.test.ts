/**
 * SPEC §5 client acceptance: the client refuses a manifest signed by m-1 jurisdictions, by two
 * NGOs of the same jurisdiction, by an untrusted key, an expired manifest, and public data whose
 * root (or header) differs; it accepts a valid quorum. v2: it refuses a manifest of another
 * deployment, of a database version older than one it accepted, and public data naming no
 * reviewer key. Each refusal has its own error code.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, VerificationError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import { concatBytes } from '../src/core/utils.js';
import { itemsDigest } from '../src/database/audit.js';
import { buildDatabase } from '../src/database/builder.js';
import {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  signManifest,
  type TrustedNgo,
} from '../src/database/manifest.js';
import {
  computeRoot,
  databaseId,
  headerLength,
  rateToU32,
  splitPublicData,
} from '../src/database/pdata.js';
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
  const deploymentId = new TextEncoder().encode('deployment-A');
  const runId = new Uint8Array(32).fill(7);
  const ngos = [
    { name: 'NGO-A', jurisdiction: 'UK', kp: generateSigningKeyPair(rng) },
    { name: 'NGO-B', jurisdiction: 'CA', kp: generateSigningKeyPair(rng) },
    { name: 'NGO-C', jurisdiction: 'NL', kp: generateSigningKeyPair(rng) },
    { name: 'NGO-D', jurisdiction: 'UK', kp: generateSigningKeyPair(rng) },
  ];
  const trust: TrustedNgo[] = ngos.map((n) => ({
    name: n.name,
    jurisdiction: n.jurisdiction,
    signingPublicKey: n.kp.publicKey,
  }));
  const { headerBytes } = splitPublicData(built.publicData);
  const bodyFor = (o: { deploymentId?: Uint8Array; version?: number; pdata?: Uint8Array } = {}) => {
    const pdata = o.pdata ?? built.publicData;
    const hl = o.pdata ? headerLength(suite, 0) : headerBytes.length;
    const parts = o.pdata ? null : splitPublicData(pdata);
    const root = parts ? computeRoot(parts.headerBytes, parts.cells) : built.root;
    return encodeManifestBody({
      suite,
      deploymentId: o.deploymentId ?? deploymentId,
      runId,
      version: o.version ?? 5,
      databaseId: databaseId(root),
      root,
      pdataHeader: pdata.slice(0, hl),
      itemsDigest: itemsDigest(built.items),
      rule: 2,
      notBefore: 1000,
      notAfter: 2000,
    });
  };
  const body = bodyFor();
  const signedBy = (names: string[], keys = ngos, b = body) =>
    encodeManifest(
      b,
      names.map((nm) => {
        const n = keys.find((x) => x.name === nm);
        if (!n) throw new Error(nm);
        return { publicKey: n.kp.publicKey, signature: signManifest(n.kp.secretKey, b) };
      }),
    );
  const opts = { trust, m: 2, now: 1500, deploymentId, minVersion: 0 };
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
    expect(db.accepted).toEqual({ deploymentId, runId, version: 5 });
    expect(decodeManifest(signedBy(['NGO-A'])).body.rule).toBe(2);
  });

  it('v2: refuses a manifest co-signed for another deployment by the same trusted NGOs', () => {
    const other = bodyFor({ deploymentId: new TextEncoder().encode('deployment-B') });
    refuse(built.publicData, signedBy(['NGO-A', 'NGO-B'], ngos, other), 'manifest.deployment');
  });

  it('v2: refuses a database version older than the highest accepted (rollback); accepts equal and newer', () => {
    const v4 = signedBy(['NGO-A', 'NGO-B'], ngos, bodyFor({ version: 4 }));
    const v5 = signedBy(['NGO-A', 'NGO-B'], ngos, bodyFor({ version: 5 }));
    const v6 = signedBy(['NGO-A', 'NGO-B'], ngos, bodyFor({ version: 6 }));
    // The client accepted version 5 before: a still-valid version 4 is a rollback.
    let highest = acceptDatabase(built.publicData, v5, opts).accepted.version;
    expect(highest).toBe(5);
    refuse(built.publicData, v4, 'manifest.rollback', { ...opts, minVersion: highest });
    expect(
      acceptDatabase(built.publicData, v5, { ...opts, minVersion: highest }).accepted.version,
    ).toBe(5);
    highest = acceptDatabase(built.publicData, v6, { ...opts, minVersion: highest }).accepted
      .version;
    refuse(built.publicData, v5, 'manifest.rollback', { ...opts, minVersion: highest });
  });

  it('v2: refuses public data that names no reviewer key, even with a valid quorum', () => {
    // Hand-made: the builder API refuses such a header, a dishonest builder need not use it.
    const { header, cells } = splitPublicData(built.publicData);
    const noReviewer = concatBytes(
      headerBytes.subarray(0, 17),
      Uint8Array.of(0),
      headerBytes.subarray(18 + header.params.reviewerKeys.length * 32),
      ...cells,
    );
    expect(noReviewer.length).toBe(headerLength(suite, 0) + cells.length * suite.elementLength);
    const m0 = signedBy(['NGO-A', 'NGO-B'], ngos, bodyFor({ pdata: noReviewer }));
    expect(() => acceptDatabase(noReviewer, m0, opts)).toThrow(DecodeError);
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
