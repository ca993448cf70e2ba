#!/usr/bin/env python3
"""Independent reference implementation of the quorum-psi single-point table (SPEC v2 §4
"single-point table"): a three-hash table solved by peeling.

Written in Python 3 with hashlib only, from the prose rules in the module header of
src/database/table.ts (cell hash, positions with the skip rule, peeling, dropped items,
assignment), not from its code. Where the TypeScript keeps XOR accumulators, this script keeps
the set of not-yet-peeled items of each cell, so the two implementations share the rules and
nothing else.

It regenerates test/vectors/quorum-psi-table-kat.json, which test/table.test.ts replays against
src/database/table.ts. For every layout it also records the "assignment schedule", so the
assignment rule has a known answer without elliptic curves: for each placed item in REVERSE
peeling order the triple [item index, free cell, [the other two positions in p1, p2, p3
order]], and the filler cells (no placed item's free cell), increasing. Before printing, the
script checks each layout with an integer stand-in for the group (B_p1 + B_p2 + B_p3 = H(x)
mod 2^31 - 1 for every placed item) and checks that the dropped items are exactly the 2-core.

Usage: python3 scripts/table-reference.py > test/vectors/quorum-psi-table-kat.json
"""
import hashlib
import json
from collections import deque

LABEL = b"quorum-psi-v1-cell-hash"
NONCE_LENGTH = 16
MAX_TABLE_CELLS = 2**26


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def cell_hash(nonce: bytes, item: bytes, modulus: int) -> int:
    """h_j(y, M) = OS2IP(SHA-256(u8(len(L)) || L || N_j || u32(len(y)) || y)[0..16]) mod M."""
    assert len(nonce) == NONCE_LENGTH and 1 <= modulus <= MAX_TABLE_CELLS
    msg = bytes([len(LABEL)]) + LABEL + nonce + u32(len(item)) + item
    return int.from_bytes(hashlib.sha256(msg).digest()[:16], "big") % modulus


def positions(nonces, item: bytes, n_prime: int):
    """Three distinct cells: p1 uniform in [0, n'), p2 skips p1, p3 skips both."""
    assert n_prime >= 3 and len(set(nonces)) == 3
    p1 = cell_hash(nonces[0], item, n_prime)
    # p2: the t2-th cell (0-based) of [0, n') with p1 left out.
    t2 = cell_hash(nonces[1], item, n_prime - 1)
    p2 = [c for c in range(min(n_prime, t2 + 2)) if c != p1][t2]
    # p3: the t3-th cell of [0, n') with p1 and p2 left out, found by stepping over them
    # in increasing order (the prose rule: "if p3 >= lo: p3 += 1; if p3 >= hi: p3 += 1").
    t3 = cell_hash(nonces[2], item, n_prime - 2)
    p3 = t3
    for skipped in sorted((p1, p2)):
        if p3 >= skipped:
            p3 += 1
    assert len({p1, p2, p3}) == 3 and all(0 <= p < n_prime for p in (p1, p2, p3))
    return p1, p2, p3


def layout(items, nonces, n_prime: int):
    """Peel the 3-uniform hypergraph (cells = vertices, items = edges).

    Returns (positions per item, peeling order, free cell per item or -1, dropped indices).
    """
    assert all(a < b for a, b in zip(items, items[1:])), "items must be canonical"
    pos = [positions(nonces, y, n_prime) for y in items]
    # Step 1: the items still attached to each cell (deg = len of the set).
    live = [set() for _ in range(n_prime)]
    for i, ps in enumerate(pos):
        for c in ps:
            live[c].add(i)
    # Step 2: cells of degree 1, in increasing cell order.
    queue = deque(c for c in range(n_prime) if len(live[c]) == 1)
    queued = set(queue)
    order = []
    free = [-1] * len(items)
    # Steps 3-4.
    while queue:
        c = queue.popleft()
        if len(live[c]) != 1:
            continue
        (i,) = live[c]
        order.append(i)
        free[i] = c
        for q in pos[i]:  # p1, p2, p3
            live[q].discard(i)
            if len(live[q]) == 1:
                assert q not in queued, "a cell enters the queue at most once"
                queued.add(q)
                queue.append(q)
    dropped = [i for i in range(len(items)) if free[i] == -1]
    return pos, order, free, dropped


def schedule(pos, order, free, n_prime: int):
    """Assignment schedule: (item, free cell, other two positions) in reverse peeling order,
    and the filler cells (no placed item's free cell), increasing."""
    steps = []
    for i in reversed(order):
        c = free[i]
        steps.append([i, c, [p for p in pos[i] if p != c]])
    taken = {free[i] for i in order}
    fillers = [c for c in range(n_prime) if c not in taken]
    return steps, fillers


def check(items, pos, order, free, dropped, n_prime, tag: bytes):
    """Self-checks: the assignment rule solves every placed item (integer stand-in for the
    group), and the dropped items are exactly the 2-core."""
    p = 2**31 - 1
    steps, fillers = schedule(pos, order, free, n_prime)
    assert sorted(order) == sorted(set(order)) and len(order) + len(dropped) == len(items)
    assert len({free[i] for i in order}) == len(order)
    h = [int.from_bytes(det_bytes(tag + b"-H", i, 8), "big") % p for i in range(len(items))]
    b = [None] * n_prime
    for j in fillers:
        b[j] = int.from_bytes(det_bytes(tag + b"-F", j, 8), "big") % p
    for i, c, (x, y) in steps:
        assert b[c] is None and b[x] is not None and b[y] is not None
        b[c] = (h[i] - b[x] - b[y]) % p
    assert all(v is not None for v in b)
    for i in order:
        assert sum(b[q] for q in pos[i]) % p == h[i]
    for i in dropped:
        assert all(q in fillers for q in pos[i])
    # 2-core: every cell touched by a dropped item is touched by at least two dropped items.
    deg = [0] * n_prime
    for i in dropped:
        for q in pos[i]:
            deg[q] += 1
    assert all(deg[q] >= 2 for i in dropped for q in pos[i])


def det_bytes(tag: bytes, i: int, n: int) -> bytes:
    """Deterministic test bytes: the first n bytes of SHA-256(tag || u32(i)) ||
    SHA-256(tag || u32(i) || u8(1)) || ..."""
    out = hashlib.sha256(tag + u32(i)).digest()
    k = 1
    while len(out) < n:
        out += hashlib.sha256(tag + u32(i) + bytes([k])).digest()
        k += 1
    return out[:n]


def det_items(tag: bytes, count: int, lengths) -> list:
    """`count` distinct items in canonical order (byte-wise lexicographic, strictly increasing);
    item i has length lengths(i), 0 to 64 bytes."""
    found = set()
    i = 0
    while len(found) < count:
        found.add(det_bytes(tag, i, lengths(i)))
        i += 1
    return sorted(found)


def main():
    hashes = []
    cases = [
        (b"", 1),
        (b"abc", 1),
        (b"", 2),
        (b"abc", 2),
        (b"", 3),
        (b"\x00", 3),
        (b"", 1000),
        (bytes(32), 1000),
        (b"quorum", 2**26),
        (bytes(range(64)), 2**26),
        (b"\xff" * 64, 2**26),
        (b"", 2**26 - 5),
        (b"\xff" * 7, 2**26 - 5),
        (bytes(range(64)), 2**26 - 5),
        (bytes(range(64)), 7),
        (b"\x80" * 33, 2**26 - 1),
    ]
    for k, (item, modulus) in enumerate(cases):
        nonce = det_bytes(b"kat-nonce", k, 16)
        hashes.append(
            {"nonce": nonce.hex(), "item": item.hex(), "modulus": modulus,
             "h": cell_hash(nonce, item, modulus)}
        )

    pos_cases = []
    for k, (item, n_prime) in enumerate(
        [(b"", 3), (b"a", 3), (b"", 4), (bytes(64), 5), (b"x" * 17, 1000), (bytes(range(64)), 2**26)]
    ):
        nonces = tuple(det_bytes(b"kat-pos-n%d" % j, k, 16) for j in (1, 2, 3))
        pos_cases.append(
            {"nonces": [n.hex() for n in nonces], "item": item.hex(), "nPrime": n_prime,
             "positions": list(positions(nonces, item, n_prime))}
        )

    # (tag, count, n', item length rule)
    var_len = lambda i: i % 65  # 0..64 bytes
    layouts_spec = [
        (b"empty", 0, 3, var_len),
        (b"one", 1, 3, var_len),  # a single item peels at once
        (b"two", 2, 3, var_len),  # every cell has degree 2: both dropped
        (b"three", 3, 3, var_len),  # all dropped
        (b"three-in-four", 3, 4, lambda i: 1 + i % 3),
        (b"four-in-four", 4, 4, lambda i: 1 + i % 3),
        (b"five-in-four", 5, 4, lambda i: 1 + i % 3),
        (b"mixed-a", 5, 5, lambda i: 1 + i % 5),
        (b"mixed-b", 6, 7, lambda i: 2 + i % 7),
        (b"mixed-c", 8, 9, lambda i: i % 9),
        (b"mixed-d", 10, 11, lambda i: 1 + i % 11),
        (b"fifty", 50, 63, var_len),
        (b"two-hundred", 200, 250, var_len),
        (b"sixty-slack", 60, 92, var_len),  # 1.53 cells per item
        (b"thousand", 1000, 1250, var_len),  # 1.25 cells per item
    ]
    layouts = []
    for k, (tag, count, n_prime, lengths) in enumerate(layouts_spec):
        items = det_items(b"kat-item-" + tag, count, lengths)
        nonces = tuple(det_bytes(b"kat-n%d-" % j + tag, k, 16) for j in (1, 2, 3))
        pos, order, free, dropped = layout(items, nonces, n_prime)
        check(items, pos, order, free, dropped, n_prime, tag)
        steps, fillers = schedule(pos, order, free, n_prime)
        layouts.append({
            "name": tag.decode(),
            "items": [y.hex() for y in items],
            "nonces": [n.hex() for n in nonces],
            "nPrime": n_prime,
            "positions": [list(p) for p in pos],
            "order": order,
            "free": free,
            "dropped": dropped,
            "schedule": steps,
            "fillers": fillers,
        })
    # The vectors must exercise: total drops, partial drops (non-empty 2-core next to peeled
    # items) and complete peeling.
    assert any(v["dropped"] and len(v["dropped"]) == len(v["items"]) and v["items"] for v in layouts)
    assert any(v["dropped"] and v["order"] for v in layouts)
    assert any(not v["dropped"] and len(v["items"]) > 100 for v in layouts)

    # Compact output: one vector per line, so the file stays small and diffs stay readable.
    def dump_list(name, rows, last=False):
        body = ",\n  ".join(json.dumps(r, separators=(",", ":")) for r in rows)
        return ' "%s": [\n  %s\n ]%s' % (name, body, "" if last else ",")

    print("{")
    print(' "source": %s,' % json.dumps(
        "scripts/table-reference.py (independent Python implementation of the single-point "
        "table rules in src/database/table.ts)"))
    print(dump_list("cellHash", hashes))
    print(dump_list("positions", pos_cases))
    print(dump_list("layouts", layouts, last=True))
    print("}")


if __name__ == "__main__":
    main()
