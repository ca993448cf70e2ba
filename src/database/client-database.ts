/**
 * Validated public data held by a client (SPEC §5 last paragraph, §6): {@link ClientDatabase}
 * recomputes the root, checks that `L` and the cells are non-identity and pairwise distinct, and
 * decodes cells lazily (a failing cell rejects the whole database). The manifest's acceptance
 * rule loads one after verifying the manifest; the client creates vouchers against one.
 * @module
 */
import { DecodeError, VerificationError } from '../core/errors.js';
import type { Element, Suite } from '../core/group.js';
import { checkInt, equalBytes, ownBytes as own } from '../core/utils.js';
import {
  computeRoot,
  databaseId,
  type PublicHeader,
  splitPublicData,
  type VoucherParams,
} from './pdata.js';

/**
 * What a client accepted a database under: the verified manifest's deployment id, quorum run id
 * and database version (SPEC v2 §5). The manifest module passes it to {@link ClientDatabase.load}
 * after verifying the manifest, so an application can persist the highest version it accepted.
 */
export interface AcceptedManifest {
  readonly deploymentId: Uint8Array;
  readonly runId: Uint8Array;
  /** Database version (a sequence number that only grows). */
  readonly version: number;
}

function copyAccepted(a: AcceptedManifest): AcceptedManifest {
  if (typeof a !== 'object' || a === null) {
    throw new TypeError('"accepted" expected an object { deploymentId, runId, version }');
  }
  const deploymentId = own('accepted.deploymentId', a.deploymentId);
  const runId = own('accepted.runId', a.runId);
  const version = checkInt('accepted.version', a.version, 0, Number.MAX_SAFE_INTEGER);
  return Object.freeze({ deploymentId, runId, version });
}

/**
 * Validated public data held by a client (SPEC §5 last paragraph, §6).
 * Loading copies the bytes, recomputes the root over the copy, checks the cells are pairwise
 * distinct, and decodes `L`; cells are decoded on first use, and a cell that fails to decode
 * rejects the whole database from then on.
 */
export class ClientDatabase {
  readonly header: PublicHeader;
  /** `L` with a precomputed fixed-base table. */
  readonly L: Element;
  /** The manifest this database was accepted under, when the manifest module loaded it. */
  readonly accepted: AcceptedManifest | undefined;
  readonly #root: Uint8Array;
  readonly #databaseId: Uint8Array;
  readonly #cells: Uint8Array[];
  readonly #decoded: (Element | undefined)[];
  #rejected: DecodeError | undefined;

  private constructor(
    header: PublicHeader,
    root: Uint8Array,
    cells: Uint8Array[],
    accepted: AcceptedManifest | undefined,
  ) {
    this.header = header;
    this.#root = root;
    this.#databaseId = databaseId(root);
    this.L = header.suite.precompute(header.L);
    this.accepted = accepted;
    this.#cells = cells;
    this.#decoded = new Array(cells.length);
  }

  get suite(): Suite {
    return this.header.suite;
  }
  get params(): VoucherParams {
    return this.header.params;
  }
  /** The Merkle root (a fresh copy). */
  get root(): Uint8Array {
    return this.#root.slice();
  }
  /** The database id, the root's leading 16 bytes (a fresh copy). */
  get databaseId(): Uint8Array {
    return this.#databaseId.slice();
  }

  /**
   * Load public data. `expectedRoot`, when given (from a verified manifest), must equal the
   * recomputed root; `accepted` records the manifest it was accepted under. Every argument is
   * copied first, and only the copies are checked and kept: mutating the caller's buffers
   * afterwards changes nothing. Throws {@link DecodeError} for malformed data, duplicate or
   * identity cells, and {@link VerificationError} for a root mismatch.
   */
  static load(
    pdata: Uint8Array,
    expectedRoot?: Uint8Array,
    accepted?: AcceptedManifest,
  ): ClientDatabase {
    const expected = expectedRoot === undefined ? undefined : own('expectedRoot', expectedRoot);
    const acc = accepted === undefined ? undefined : copyAccepted(accepted);
    // splitPublicData decodes a private copy of `pdata`: the bytes checked are the bytes kept.
    const { header, headerBytes, cells } = splitPublicData(pdata);
    const root = computeRoot(headerBytes, cells);
    if (expected !== undefined && !equalBytes(root, expected)) {
      throw new VerificationError('pdata.root', 'public data: root does not match the manifest');
    }
    assertDistinct(cells, header.Lbytes);
    // `cells` are views of that private copy.
    return new ClientDatabase(header, root, cells, acc);
  }

  /** Cell `j` decoded (cached). A failing cell rejects the database. */
  cell(j: number): Element {
    checkInt('j', j, 0, this.#cells.length - 1);
    if (this.#rejected) throw this.#rejected;
    let P = this.#decoded[j];
    if (P === undefined) {
      try {
        P = this.suite.decode(this.#cells[j] as Uint8Array);
      } catch (e) {
        this.#rejected = new DecodeError(
          'pdata.cell',
          `public data: cell ${j} is not a valid element; database rejected`,
          { cause: e },
        );
        throw this.#rejected;
      }
      this.#decoded[j] = P;
    }
    return P;
  }

  /** Decode every cell now (for servers and auditors; clients may rely on lazy decoding). */
  decodeAll(): void {
    for (let j = 0; j < this.#cells.length; j++) this.cell(j);
  }
}

/** Pairwise distinctness of the cells and `L` (and, for ristretto255, no all-zero identity). */
function assertDistinct(cells: readonly Uint8Array[], Lbytes: Uint8Array): void {
  const seen = new Map<number, Uint8Array[]>();
  const check = (b: Uint8Array, what: string) => {
    // Bucket by 6 bytes from the middle (uniform for valid encodings), compare fully within.
    const o = b.length - 8;
    const k =
      (b[o] as number) * 2 ** 40 +
      (b[o + 1] as number) * 2 ** 32 +
      (b[o + 2] as number) * 2 ** 24 +
      (((b[o + 3] as number) << 16) | ((b[o + 4] as number) << 8) | (b[o + 5] as number));
    const bucket = seen.get(k);
    if (bucket) {
      for (const c of bucket) {
        if (equalBytes(c, b))
          throw new DecodeError('pdata.duplicate', `public data: duplicate element (${what})`);
      }
      bucket.push(b);
    } else seen.set(k, [b]);
  };
  check(Lbytes, 'L');
  for (let j = 0; j < cells.length; j++) {
    const c = cells[j] as Uint8Array;
    if (c.every((x) => x === 0))
      throw new DecodeError('pdata.identity', `public data: cell ${j} is the identity`);
    check(c, `cell ${j}`);
  }
}
