/**
 * Entry of the Hermes bundle (scripts/hermes-check.mjs): the client flow of ./client-flow.js
 * behind a JSON-in, JSON-out function, so that the same code runs wherever the bytes come from:
 * a Node child process, a bare `vm` context (its own Uint8Array: bytes must be made inside), or
 * a Hermes VM. Byte arrays travel as hex strings; the helpers below use no platform global
 * (no Buffer, no TextDecoder, no atob), only ECMAScript.
 *
 * Fixture JSON: { pdata, manifest, deploymentId, m, minVersion, now?, trust: [{ name,
 * jurisdiction, signingPublicKey }], items: [{ item, id, payload, context }] } (byte fields in hex).
 * Result JSON: { acceptedVersion, databaseId, accountState, syntheticCount, vouchers: [hex] }.
 */
import { runClientFlow } from './client-flow.js';

export { runClientFlow };

/** @param {string} hex */
export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) {
    throw new TypeError('fromHex: expected an even-length hex string');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** @param {Uint8Array} bytes */
export function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

/**
 * The client flow on a JSON fixture (hex bytes); returns the result as JSON (hex bytes).
 * @param {string} fixtureJson
 * @param {{ rng?: (n: number) => Uint8Array }} [options] an injected rng (default: the library's,
 *   `crypto.getRandomValues`)
 * @returns {string}
 */
export function runClientFlowJson(fixtureJson, options) {
  const f = JSON.parse(fixtureJson);
  const result = runClientFlow({
    rng: options?.rng,
    pdata: fromHex(f.pdata),
    manifest: fromHex(f.manifest),
    deploymentId: fromHex(f.deploymentId),
    m: f.m,
    minVersion: f.minVersion,
    now: f.now,
    trust: f.trust.map((t) => ({
      name: t.name,
      jurisdiction: t.jurisdiction,
      signingPublicKey: fromHex(t.signingPublicKey),
    })),
    items: f.items.map((x) => ({
      item: fromHex(x.item),
      id: fromHex(x.id),
      payload: fromHex(x.payload),
      context: fromHex(x.context),
    })),
  });
  return JSON.stringify({
    acceptedVersion: result.acceptedVersion,
    databaseId: toHex(result.databaseId),
    accountState: toHex(result.accountState),
    syntheticCount: result.syntheticCount,
    vouchers: result.vouchers.map(toHex),
  });
}
