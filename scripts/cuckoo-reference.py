#!/usr/bin/env python3
"""Independent reference implementation of the quorum-psi cuckoo layout (docs/protocol.md
"Cuckoo layout", SPEC §4 steps 1-2), written from the prose rules only, in Python with hashlib.

It regenerates test/vectors/quorum-psi-cuckoo-kat.json, which test/cuckoo.test.ts replays
against src/database/cuckoo.ts: two implementations that agree byte for byte.

Usage: python3 scripts/cuckoo-reference.py > test/vectors/quorum-psi-cuckoo-kat.json
"""
import hashlib
import json

LABEL = b"quorum-psi-v1-cell-hash"
MAX_KICKS = 1000


def cell_hash(nonce: bytes, item: bytes, n_prime: int) -> int:
    assert len(nonce) == 16 and n_prime >= 2
    msg = bytes([len(LABEL)]) + LABEL + nonce + len(item).to_bytes(4, "big") + item
    return int.from_bytes(hashlib.sha256(msg).digest()[:16], "big") % n_prime


def positions(nonces, item, n_prime):
    p1 = cell_hash(nonces[0], item, n_prime)
    p2 = cell_hash(nonces[1], item, n_prime)
    if p1 == p2:
        p2 = (p1 + 1) % n_prime
    return p1, p2


def layout(items, nonces, n_prime, max_kicks=MAX_KICKS):
    assert all(a < b for a, b in zip(items, items[1:])), "items must be canonical"
    pos = [positions(nonces, y, n_prime) for y in items]
    cells = [-1] * n_prime
    dropped = []
    for i in range(len(items)):
        p1, p2 = pos[i]
        if cells[p1] == -1:
            cells[p1] = i
            continue
        if cells[p2] == -1:
            cells[p2] = i
            continue
        cur, where = i, p1
        for _ in range(max_kicks):
            cells[where], cur = cur, cells[where]
            e1, e2 = pos[cur]
            alt = e2 if where == e1 else e1
            if cells[alt] == -1:
                cells[alt] = cur
                cur = None
                break
            where = alt
        if cur is not None:
            dropped.append(cur)
    return cells, dropped


def det_bytes(tag: bytes, i: int, n: int) -> bytes:
    return hashlib.sha256(tag + i.to_bytes(4, "big")).digest()[:n]


def main():
    hashes = []
    for k, (item, n_prime) in enumerate(
        [(b"", 2), (b"abc", 3), (bytes(32), 1000), (bytes(range(64)), 2**26), (b"\xff" * 7, 2**26 - 5)]
    ):
        nonce = det_bytes(b"kat-nonce", k, 16)
        hashes.append(
            {"nonce": nonce.hex(), "item": item.hex(), "nPrime": n_prime, "h": cell_hash(nonce, item, n_prime)}
        )
    layouts = []
    for k, (count, n_prime, max_kicks) in enumerate(
        [(0, 2, MAX_KICKS), (3, 2, MAX_KICKS), (10, 11, MAX_KICKS), (40, 42, MAX_KICKS),
         (60, 126, MAX_KICKS), (200, 240, 5), (300, 630, MAX_KICKS)]
    ):
        items = sorted({det_bytes(b"kat-item-%d" % k, i, 1 + (i % 32)) for i in range(count)})
        nonces = (det_bytes(b"kat-n1", k, 16), det_bytes(b"kat-n2", k, 16))
        cells, dropped = layout(items, nonces, n_prime, max_kicks)
        layouts.append({
            "items": [y.hex() for y in items],
            "nonces": [nonces[0].hex(), nonces[1].hex()],
            "nPrime": n_prime,
            "maxKicks": max_kicks,
            "cells": cells,
            "dropped": dropped,
        })
    print(json.dumps({
        "source": "scripts/cuckoo-reference.py (independent Python implementation of docs/protocol.md 'Cuckoo layout')",
        "cellHash": hashes,
        "layouts": layouts,
    }, indent=1))


if __name__ == "__main__":
    main()
