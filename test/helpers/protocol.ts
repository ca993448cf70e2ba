/** Shared set-up for the voucher protocol tests: a database, a client, a server. */
import { buildDatabase } from '../../src/builder.js';
import { ClientAccount, ClientDatabase, createVoucher } from '../../src/client.js';
import type { Suite } from '../../src/group.js';
import { rateToU32 } from '../../src/pdata.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../../src/server.js';
import type { Rng } from '../../src/utils.js';
import { seededRng } from './rng.js';

export interface World {
  suite: Suite;
  members: Uint8Array[];
  built: ReturnType<typeof buildDatabase>;
  clientDb: ClientDatabase;
  serverDb: ServerDatabase;
  registry: DatabaseRegistry;
  account: ClientAccount;
  server: ServerAccount;
  rng: Rng;
}

/**
 * A fixed X25519 reviewer public key for tests that never open payloads (every database names at
 * least one reviewer key, SPEC v2 §5). Tests that open payloads make real key pairs.
 */
export const TEST_REVIEWER_KEY: Uint8Array = Uint8Array.from(
  { length: 32 },
  (_, i) => (i * 37 + 11) & 0xff,
);

export function item(tag: string, i: number): Uint8Array {
  const b = new Uint8Array(32);
  const t = new TextEncoder().encode(`${tag}:${i}`);
  b.set(t.subarray(0, 32));
  return b;
}

export function id(i: number, prefix = 0): Uint8Array {
  return Uint8Array.of(prefix, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff);
}

export function makeWorld(
  suite: Suite,
  opts: {
    threshold: number;
    sMax: number;
    rate?: number;
    members?: number;
    payloadSize?: number;
    seed?: string;
    reviewerKeys?: Uint8Array[];
  },
): World {
  const rng = seededRng(opts.seed ?? `world-${suite.shortName}`);
  const members = Array.from({ length: opts.members ?? 40 }, (_, i) => item('member', i));
  const built = buildDatabase(members, {
    suite,
    rng,
    params: {
      threshold: opts.threshold,
      sMax: opts.sMax,
      syntheticRate32: rateToU32(opts.rate ?? 0),
      payloadSize: opts.payloadSize ?? 32,
      reviewerKeys: opts.reviewerKeys ?? [TEST_REVIEWER_KEY],
    },
  });
  const clientDb = ClientDatabase.load(built.publicData, built.root);
  const serverDb = ServerDatabase.fromBuild(built);
  const registry = new DatabaseRegistry().add(serverDb);
  const account = ClientAccount.create({ suite, threshold: opts.threshold, sMax: opts.sMax, rng });
  const server = new ServerAccount({ suite, threshold: opts.threshold, sMax: opts.sMax });
  return { suite, members, built, clientDb, serverDb, registry, account, server, rng };
}

export function payloadFor(i: number): Uint8Array {
  return new TextEncoder().encode(`payload #${i}`);
}

export async function upload(
  w: World,
  itm: Uint8Array,
  i: number,
  acct = w.account,
  db = w.clientDb,
) {
  return createVoucher(acct, db, { item: itm, id: id(i), payload: payloadFor(i) }, w.rng);
}
