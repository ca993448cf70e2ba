/**
 * The client flow of a phone app, as a React Native (Hermes) app would run it: it imports only
 * the client's subpaths of the package (`quorum-psi/manifest`, `quorum-psi/client`) and the one
 * suite the deployment uses (`quorum-psi/group/ristretto255`: its module registers the suite, so
 * the app must import it and use it, or bundlers drop it), accepts a
 * database through its co-signed manifest, creates an account from it, persists and reloads the
 * account, and makes one voucher per photo.
 *
 * Used by scripts/hermes-check.mjs twice:
 * - in a Node child process whose Hermes-missing globals were removed first (see
 *   ./run-without-globals.mjs), importing the built package through its `exports`;
 * - bundled with esbuild into one script (./hermes-entry.js) that hermesc compiles and that also
 *   runs in a bare `vm` context holding only the globals a React Native app provides.
 *
 * Plain JavaScript on purpose: no TypeScript step between this file and Node, esbuild or hermesc.
 */
import { ClientAccount, createVoucher } from 'quorum-psi/client';
import { ristretto255Sha512 } from 'quorum-psi/group/ristretto255';
import { acceptDatabase } from 'quorum-psi/manifest';

/**
 * @typedef {object} ClientFlowInput
 * @property {Uint8Array} pdata public data served by the platform
 * @property {Uint8Array} manifest the manifest co-signed by the NGOs
 * @property {{ name?: string, jurisdiction: string, signingPublicKey: Uint8Array }[]} trust the app's
 *   own trust list (configuration, never from the server)
 * @property {Uint8Array} deploymentId the app's own deployment id (configuration)
 * @property {number} m distinct trusted jurisdictions required
 * @property {number} [minVersion] highest database version accepted before (app storage; 0)
 * @property {number} [now] Unix seconds (default: the clock)
 * @property {{ item: Uint8Array, id: Uint8Array, payload: Uint8Array, context?: Uint8Array }[]} items
 *   one entry per photo
 * @property {(n: number) => Uint8Array} [rng] randomness (default: `crypto.getRandomValues`)
 */

/**
 * Accept the database, create an account from it, persist and reload it, make the vouchers.
 * @param {ClientFlowInput} input
 */
export function runClientFlow(input) {
  const { pdata, manifest, trust, deploymentId, m, items, rng } = input;
  const opts = { trust, m, deploymentId, minVersion: input.minVersion ?? 0 };
  if (input.now !== undefined) opts.now = input.now;
  // 1. Accept: m trusted jurisdictions signed, this deployment, no rollback, root recomputed.
  const db = acceptDatabase(pdata, manifest, opts);
  // 2. The account, created once from the accepted database (it pins T, s_max and p) ...
  // Naming the suite pins it (a database of another suite is refused) and keeps its module in
  // the bundle.
  const suite = ristretto255Sha512;
  const created = ClientAccount.create(
    rng ? { database: db, suite, rng } : { database: db, suite },
  );
  // ... and persisted as a secret: an app stores toBytes() and loads it on the next start.
  const account = ClientAccount.fromBytes(created.toBytes());
  // 3. One voucher per photo, matching or not; nothing comes back from the server.
  const vouchers = items.map((x) => {
    const photo = { item: x.item, id: x.id, payload: x.payload, context: x.context };
    return rng ? createVoucher(account, db, photo, rng) : createVoucher(account, db, photo);
  });
  return {
    /** What the app persists: the accepted version (next minVersion) and the account state. */
    acceptedVersion: db.accepted.version,
    databaseId: db.databaseId,
    accountState: account.toBytes(),
    syntheticCount: account.syntheticCount,
    vouchers,
  };
}
