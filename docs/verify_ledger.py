#!/usr/bin/env python3
"""A second, independent verifier of Pacta ledgers and audit bundles, written from
docs/ledger-format.md alone (section numbers below are that document's). Python 3.9+, standard
library only; PostgreSQL is read through `psql`.

    verify_ledger.py ledger STORE      # §9 "Verifying the whole ledger"
    verify_ledger.py bundle FILE [--trusted-checkpoint KEPT.json] [--trusted-head SEQ:HASH]  # §10
    verify_ledger.py chain < EVENTS.json   # §2, one negotiation's stored events as a JSON array

STORE is `sqlite://PATH` (or a path) or a `postgres://` URL as `pacta --store` takes it. Exit
status: 0 when everything verifies (a summary on stdout), 3 with one finding per line on stderr,
2 when the input cannot be read at all.
"""

import base64
import hashlib
import json
import re
import sqlite3
import subprocess
import sys

CHAIN_TAG = b"pacta:event-chain:v1\x00"
TEXT_TAG = b"pacta:clause-text:v1\x00"
ROOT_TAG = b"pacta:text-root:v1\x00"
SIGN_TAG = b"pacta:signature:v1\x00"
COSIGNATURE_HEADER = "pacta-cosignature/v1"
BUNDLE_FORMAT_VERSION = 3
MAX_LEAF_FINDINGS = 5
INTEGRITY_EXIT, UNREADABLE_EXIT = 3, 2


class Unreadable(Exception):
    """The ledger cannot be read at all (exit 2, not a finding)."""


class MalformedBundle(Exception):
    """The file is not a bundle this verifier reads: a finding about the bundle, as Pacta's."""


# ---------------------------------------------------------------------------------------------
# §2 RFC 8785 canonical JSON, for the values Pacta records: strings, booleans, null, arrays,
# objects and integers below 2^53 (a float is refused rather than guessed at).

def jcs(value):
    return _jcs(value).encode("utf-8")


def _jcs(value):
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        if abs(value) >= 2**53:
            raise ValueError(f"integer {value} is not exactly representable")
        return str(value)
    if isinstance(value, str):
        # json.dumps escapes exactly what RFC 8785 escapes: '"', '\\', and the controls
        # (\b \t \n \f \r by name, the others as lower-case \u00xx).
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))  # by UTF-16 code units
        return "{" + ",".join(_jcs(k) + ":" + _jcs(value[k]) for k in keys) + "}"
    raise ValueError(f"{type(value).__name__} has no canonical form here")


def strict_json(text):
    """JSON with every object's keys unique: a duplicate would let two readers see two values."""
    def pairs(items):
        obj = {}
        for key, value in items:
            if key in obj:
                raise ValueError(f"duplicate key {key!r}")
            obj[key] = value
        return obj
    return json.loads(text, object_pairs_hook=pairs)


def sha256(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.digest()


def hex32(text):
    """The bytes of a lower-case hex hash or key (32 bytes), or None."""
    if isinstance(text, str) and re.fullmatch(r"[0-9a-f]{64}", text):
        return bytes.fromhex(text)
    return None


# ---------------------------------------------------------------------------------------------
# Ed25519 verification, RFC 8032 §5.1.7, as strict as Pacta's (ed25519-dalek `verify_strict`):
# canonical S, canonical point encodings, no small-order key or R, and the cofactorless
# equation [S]B = R + [k]A checked on R's encoding.

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_IDENTITY = (0, 1, 1, 0)


def _add(p, q):  # extended coordinates, RFC 8032 §5.1.4
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a, b = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    c, d = 2 * t1 * t2 * _D % _P, 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(scalar, point):
    result = _IDENTITY
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point, scalar = _add(point, point), scalar >> 1
    return result


def _encode(point):
    x, y, z, _ = point
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _decode(data):
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & (2**255 - 1)
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


_B = _decode((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))


def ed25519_verify(public_key_hex, message, signature_hex):
    key = hex32(public_key_hex)
    if key is None or not re.fullmatch(r"[0-9a-fA-F]{128}", signature_hex or ""):
        return False
    signature = bytes.fromhex(signature_hex)
    a, r, s = _decode(key), _decode(signature[:32]), int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    if _encode(_mul(8, a)) == _encode(_IDENTITY) or _encode(_mul(8, r)) == _encode(_IDENTITY):
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + key + message).digest(), "little") % _L
    minus_a = (_P - a[0], a[1], a[2], _P - a[3])
    return _encode(_add(_mul(s, _B), _mul(k, minus_a))) == signature[:32]


# ---------------------------------------------------------------------------------------------
# §2 The hash chain of one negotiation.

def record_of(e):                        # the stored event without its two chain fields
    meta = {k: v for k, v in e["metadata"].items() if k not in ("prev_hash", "hash")}
    record = {k: e[k] for k in ("aggregate_type", "aggregate_id", "sequence",
                                "event_type", "event_version", "payload")}
    record["metadata"] = meta
    return record


def verify_chain(negotiation, events):   # one negotiation's stored events, any order
    """Returns ([], (last sequence, head hex)), or ([the first bad event's finding], None)."""
    head, expected = bytes(32), 1

    def broken(problem):                 # names the event expected next
        at = f"integrity error in negotiation '{negotiation}' at sequence {expected}"
        return [f"{at}: {problem}"], None

    for e in sorted(events, key=lambda e: e["sequence"]):
        if e["sequence"] != expected:
            return broken(f"expected sequence {expected}; an event is missing or out of place")
        prev, stored = hex32(e["metadata"].get("prev_hash")), hex32(e["metadata"].get("hash"))
        if prev is None or stored is None:
            field = "prev_hash" if prev is None else "hash"
            return broken(f"the event has no valid '{field}' field")
        if prev != head:
            return broken(f"it links to {prev.hex()} but the previous event hashes to "
                          f"{head.hex()}")
        try:
            head = sha256(CHAIN_TAG, head, jcs(record_of(e)))
        except ValueError as error:
            return broken(f"its record cannot be canonicalised: {error}")
        if head != stored:
            return broken(f"its content hashes to {head.hex()} but the ledger recorded "
                          f"{stored.hex()}: the event was altered")
        expected += 1
    return [], (expected - 1, head.hex())

# ---------------------------------------------------------------------------------------------
# §3, §4 Clause texts, text roots and signing messages.

def clause_text_hash(heading, language, text):
    return sha256(TEXT_TAG, jcs({"heading": heading, "language": language, "text": text})).hex()


def text_root_hash(negotiation_id, revision, clauses):
    """`clauses`: [{"clause_id", "kind", "versions": {language: text hash}}] in document order."""
    return sha256(ROOT_TAG, jcs({"negotiation_id": negotiation_id, "revision": revision,
                                 "clauses": clauses})).hex()


def signing_message(negotiation_id, signed):
    """The §4 message an `InstrumentSigned` payload was signed over."""
    return SIGN_TAG + jcs({
        "negotiation_id": negotiation_id, "revision": signed.get("revision", 0),
        "text_root_hash": signed["text_root_hash"], "party": signed["party"],
        "signatory": signed["signatory"], "capacity": signed["capacity"],
        "ad_referendum": signed["capacity"] == "ad-referendum", "signed_on": signed["signed_on"]})


def accredited_delegate(event):
    """The delegate of a `DelegateAccredited` event (`payload.DelegateAccredited.delegate`)."""
    accredited = event["payload"].get("DelegateAccredited") if event["event_type"] == \
        "DelegateAccredited" else None
    return accredited["delegate"] if accredited else None


def signatory_key(delegate):
    """`delegate.signing.public_key` when the delegate is accredited as a signatory."""
    if delegate.get("role") == "signatory" and delegate.get("signing"):
        return delegate["signing"].get("public_key")
    return None


# ---------------------------------------------------------------------------------------------
# §9 The journal: RFC 6962 Merkle trees over the events' chain hashes.

def leaf_hash(chain_hash):
    return sha256(b"\x00", chain_hash)


def node_hash(left, right):
    return sha256(b"\x01", left, right)


class Frontier:
    """The roots of the tree's perfect subtrees, left to right: the root of every prefix."""

    def __init__(self, size=0, nodes=()):
        self.size, self.nodes = size, list(nodes)

    def push(self, chain_hash):
        node, size = leaf_hash(chain_hash), self.size
        while size & 1:
            node, size = node_hash(self.nodes.pop(), node), size >> 1
        self.nodes.append(node)
        self.size += 1

    def root(self):
        if not self.nodes:
            return sha256(b"")
        root = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            root = node_hash(left, root)
        return root


def checkpoint_body(checkpoint):
    """The signed body: `pacta/<ledger id>`, size, base64 root, `time <seconds>`, each + "\\n"."""
    root = hex32(checkpoint["root_hash"])
    if root is None:
        return None
    return (f"pacta/{checkpoint['ledger_id']}\n{checkpoint['tree_size']}\n"
            f"{base64.b64encode(root).decode()}\ntime {checkpoint['created_at']}\n")


def cosignature_message(body, signed_at):
    return f"{COSIGNATURE_HEADER}\ntime {signed_at}\n{body}"


def largest_power_of_two_below(n):
    return 1 << ((n - 1).bit_length() - 1)


def multiproof_root(tree_size, leaves, proof):
    """§10 "The journal proof": the root from (leaf index, chain hash) pairs, indexes strictly
    increasing below `tree_size`, and the hashes of the subtrees that hold none of them."""
    indexes = [i for i, _ in leaves]
    if any(b <= a for a, b in zip(indexes, indexes[1:])) or not indexes or indexes[-1] >= tree_size:
        raise ValueError("the leaf indexes do not strictly increase below the tree size")
    by_index, remaining = dict(leaves), list(proof)

    def subtree(lo, hi):
        if not any(lo <= i < hi for i in indexes):
            if not remaining:
                raise ValueError("the proof is missing hashes")
            return remaining.pop(0)
        if hi - lo == 1:
            return leaf_hash(by_index[lo])
        k = largest_power_of_two_below(hi - lo)
        return node_hash(subtree(lo, lo + k), subtree(lo + k, hi))

    root = subtree(0, tree_size)
    if remaining:
        raise ValueError(f"{len(remaining)} proof hashes are left over")
    return root


def verify_consistency(old_size, old_root, new_size, new_root, proof):
    """RFC 9162 §2.1.4.2: the tree of `old_size` leaves is a prefix of the tree of `new_size`."""
    if old_size == new_size:
        return not proof and old_root == new_root
    if not 0 < old_size < new_size or not proof:
        return False
    if old_size & (old_size - 1) == 0:
        proof = [old_root] + proof
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# ---------------------------------------------------------------------------------------------
# §9 "Verifying the whole ledger", from the tables of §11.

def read_sqlite(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute("BEGIN")  # one snapshot for every table

    def rows(sql, *columns):
        return [dict(zip(columns, row)) for row in db.execute(sql)]

    events = rows("SELECT aggregate_type, aggregate_id, sequence, event_type, event_version,"
                  " payload, metadata FROM events ORDER BY global_position",
                  "aggregate_type", "aggregate_id", "sequence", "event_type", "event_version",
                  "payload", "metadata")
    for e in events:  # TEXT columns holding JSON
        e["payload"], e["metadata"] = json.loads(e["payload"]), json.loads(e["metadata"])
    return {
        "events": events,
        "leaves": rows("SELECT leaf_index, negotiation_id, sequence, chain_hash"
                       " FROM journal_leaves ORDER BY leaf_index",
                       "leaf_index", "negotiation_id", "sequence", "chain_hash"),
        "frontiers": rows("SELECT tree_size, nodes FROM journal_frontiers ORDER BY tree_size",
                          "tree_size", "nodes"),
        "checkpoints": rows("SELECT tree_size, root_hash, created_at, ledger_id, ledger_public_key,"
                            " signature FROM checkpoints ORDER BY tree_size", "tree_size",
                            "root_hash", "created_at", "ledger_id", "ledger_public_key",
                            "signature"),
        "cosignatures": rows("SELECT tree_size, party, person, public_key, signature, signed_at"
                             " FROM cosignatures ORDER BY tree_size, party", "tree_size", "party",
                             "person", "public_key", "signature", "signed_at"),
        "identity": rows("SELECT ledger_id, public_key FROM ledger_identity",
                         "ledger_id", "public_key"),
    }


# One statement, so one snapshot. Commit order on PostgreSQL is (transaction_id,
# global_position) (§5). A snapshot needs no horizon: the journal only ever covers a prefix of
# that order among the events committed, and events still being written are not in it.
POSTGRES_QUERY = """
SELECT json_build_object(
 'events', (SELECT coalesce(json_agg(json_build_object(
     'aggregate_type', aggregate_type, 'aggregate_id', aggregate_id, 'sequence', sequence,
     'event_type', event_type, 'event_version', event_version, 'payload', payload,
     'metadata', metadata) ORDER BY transaction_id, global_position), '[]')
   FROM events),
 'leaves', (SELECT coalesce(json_agg(l ORDER BY leaf_index), '[]') FROM
   (SELECT leaf_index, negotiation_id, sequence, chain_hash FROM journal_leaves) l),
 'frontiers', (SELECT coalesce(json_agg(f ORDER BY tree_size), '[]') FROM
   (SELECT tree_size, nodes FROM journal_frontiers) f),
 'checkpoints', (SELECT coalesce(json_agg(c ORDER BY tree_size), '[]') FROM
   (SELECT tree_size, root_hash, created_at, ledger_id, ledger_public_key, signature
      FROM checkpoints) c),
 'cosignatures', (SELECT coalesce(json_agg(s ORDER BY tree_size, party), '[]') FROM
   (SELECT tree_size, party, person, public_key, signature, signed_at FROM cosignatures) s),
 'identity', (SELECT coalesce(json_agg(i), '[]') FROM
   (SELECT ledger_id, public_key FROM ledger_identity) i))
"""


def read_postgres(url):
    done = subprocess.run(["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
                           "--set", "ON_ERROR_STOP=1", "--dbname", url, "--command",
                           POSTGRES_QUERY], capture_output=True, text=True)
    if done.returncode != 0:
        raise Unreadable(f"psql could not read the ledger: {done.stderr.strip()}")
    return json.loads(done.stdout)


def read_store(store):
    if store.startswith(("postgres://", "postgresql://")):
        return read_postgres(store)
    path = store.split("?")[0].removeprefix("sqlite://").removeprefix("sqlite:")
    try:
        return read_sqlite(path)
    except sqlite3.Error as e:
        raise Unreadable(f"cannot read the SQLite ledger {path}: {e}") from e


def event_ref(negotiation, sequence, chain_hash):
    return f"event {sequence} of '{negotiation}' (chain hash {chain_hash})"


def verify_ledger(tables):
    """Every check of §9 "Verifying the whole ledger"; returns (findings, summary lines)."""
    events, leaves = tables["events"], tables["leaves"]
    findings = []

    # 1. Every negotiation's chain, from its first event.
    streams = {}
    for e in events:
        streams.setdefault(e["aggregate_id"], []).append(e)
    heads, broken = {}, set()
    for negotiation in sorted(streams):
        chain_findings, head = verify_chain(negotiation, streams[negotiation])
        findings += chain_findings
        if head:
            heads[negotiation] = head
        else:
            broken.add(negotiation)
    after_chains = len(findings)

    # 2. Leaf i is the i-th event in commit order (events of broken chains left out of both).
    in_order = ((e["aggregate_id"], e["sequence"], e["metadata"].get("hash", "none"))
                for e in events if e["aggregate_id"] not in broken)
    chain_hashes, mismatches = [], 0
    for expected, leaf in enumerate(leaves):
        if leaf["leaf_index"] != expected:
            findings.append(f"journal leaf {expected} is missing: the journal has a hole")
        chain_hash = hex32(leaf["chain_hash"])
        if chain_hash is None:
            findings.append(f"journal leaf {leaf['leaf_index']} has a malformed chain hash "
                            f"'{leaf['chain_hash']}': the journal was altered")
        chain_hashes.append(chain_hash or bytes(32))
        if leaf["negotiation_id"] in broken:
            continue
        held = (leaf["negotiation_id"], leaf["sequence"], leaf["chain_hash"])
        event = next(in_order, None)
        if event != held:
            mismatches += 1
            if mismatches <= MAX_LEAF_FINDINGS:
                there = (f"the event at that place in commit order is {event_ref(*event)}"
                         if event else "the store holds no event at that place in commit order")
                findings.append(f"journal leaf {leaf['leaf_index']} holds {event_ref(*held)}, "
                                f"but {there}: the journal was altered, or the events were "
                                "reordered, deleted or rewritten")
    if mismatches > MAX_LEAF_FINDINGS:
        findings.append(f"{mismatches - MAX_LEAF_FINDINGS} more journal leaves do not match the "
                        "events in commit order")

    roots, frontier = {}, Frontier()
    for chain_hash in chain_hashes:
        frontier.push(chain_hash)
        roots[frontier.size] = frontier.root().hex()

    def leaves_give(size):
        return (f"the journal's first {size} leaves give {roots[size]}" if size in roots
                else f"the journal holds fewer than {size} leaves")

    # 3. Every stored frontier: its root is the root of the first tree_size leaves.
    for row in tables["frontiers"]:
        size, nodes = row["tree_size"], row["nodes"]
        parts = [hex32(nodes[i:i + 64]) for i in range(0, len(nodes), 64)]
        if None in parts or len(parts) != bin(size).count("1"):
            findings.append(f"the journal's frontier at size {size} is malformed")
            continue
        stored = Frontier(size, parts).root().hex()
        if roots.get(size) != stored:
            findings.append(f"the journal's frontier at size {size} gives root {stored}, but "
                            f"{leaves_give(size)}")

    # 4. Every checkpoint: the ledger's id and key, its signature, its root.
    identity = tables["identity"][0] if tables["identity"] else None
    checkpoints = tables["checkpoints"]
    if checkpoints and identity is None:
        findings.append("the ledger has checkpoints but no identity (id and key): "
                        "it has been altered")
    bodies, signed = {}, set()
    for c in checkpoints:
        size = c["tree_size"]
        if identity and (c["ledger_id"], c["ledger_public_key"]) != \
                (identity["ledger_id"], identity["public_key"]):
            findings.append(f"checkpoint {size} names ledger {c['ledger_id']} and key "
                            f"{c['ledger_public_key']}, not the ledger's {identity['ledger_id']} "
                            f"and {identity['public_key']}")
        body = checkpoint_body(c)
        if body is None:
            findings.append(f"checkpoint {size} has a malformed root")
            continue
        bodies[size] = body
        key = identity["public_key"] if identity else c["ledger_public_key"]
        if ed25519_verify(key, body.encode(), c["signature"]):
            signed.add(size)
        else:
            findings.append(f"checkpoint {size}'s ledger signature does not verify")
        if roots.get(size) != c["root_hash"]:
            findings.append(f"checkpoint {size} signs root {c['root_hash']}, but "
                            f"{leaves_give(size)}: the journal was rewritten, or the checkpoint "
                            "is not consistent with the one before it")

    # 5. Every co-signature: by a signatory some intact chain accredits for that party with
    #    that key, and signed under it.
    signatories = {(d["party"], d["person"], signatory_key(d))
                   for negotiation, stream in streams.items() if negotiation not in broken
                   for d in map(accredited_delegate, stream) if d and signatory_key(d)}
    for s in tables["cosignatures"]:
        party, person, size = s["party"], s["person"], s["tree_size"]
        if (party, person, s["public_key"]) not in signatories:
            findings.append(f"the co-signature of {party} on checkpoint {size}: {person} is not "
                            f"accredited as {party}'s signatory with key {s['public_key']} in "
                            "any negotiation")
        if size not in bodies:
            findings.append(f"the co-signature of {party} on checkpoint {size} is on no "
                            "checkpoint of the ledger")
        elif not ed25519_verify(s["public_key"],
                                cosignature_message(bodies[size], s["signed_at"]).encode(),
                                s["signature"]):
            findings.append(f"the co-signature of {party} by {person} on checkpoint {size} "
                            "does not verify")

    # 6. The events the latest checkpoint covers are still stored, with the leaves' hashes.
    covered = []
    latest = checkpoints[-1] if checkpoints else None
    if latest and latest["tree_size"] in signed and \
            roots.get(latest["tree_size"]) == latest["root_hash"]:
        size, named = latest["tree_size"], set()
        stored = {(e["aggregate_id"], e["sequence"]): e["metadata"].get("hash", "none")
                  for e in events}
        for leaf in leaves[:size]:
            negotiation, sequence = leaf["negotiation_id"], leaf["sequence"]
            if negotiation in named:
                continue
            place = f"event {sequence} of '{negotiation}'"
            if (negotiation, sequence) not in stored:
                last = max((e["sequence"] for e in streams.get(negotiation, [])), default=0)
                holds = f"it holds events up to {last}" if last else \
                    "it holds none of the negotiation's events"
                covered.append(f"checkpoint {size} covers {place} (leaf {leaf['leaf_index']}), "
                               f"which is no longer in the store ({holds}): the history was cut "
                               "short or deleted")
            elif stored[(negotiation, sequence)] != leaf["chain_hash"]:
                covered.append(f"{place} has chain hash {stored[(negotiation, sequence)]} in the "
                               f"store, but checkpoint {size} covers it (leaf "
                               f"{leaf['leaf_index']}) with {leaf['chain_hash']}: the history "
                               "was rewritten after the checkpoint")
            else:
                continue
            named.add(negotiation)
    findings[after_chains:after_chains] = covered

    summary = [f"{n}: {seq} events, chain intact, head {seq}:{head}"
               for n, (seq, head) in heads.items()]
    summary.append(f"journal: {len(leaves)} leaves match the events in commit order "
                   f"({len(events) - len(leaves)} events not yet journaled); "
                   f"{len(tables['frontiers'])} frontiers, {len(checkpoints)} checkpoints, "
                   f"{len(tables['cosignatures'])} co-signatures verified")
    if latest:
        summary.append(f"checkpoint {latest['tree_size']}: every event it covers is still in "
                       "the store, unchanged")
    return findings, summary


# ---------------------------------------------------------------------------------------------
# §10 Audit bundles.

EVENT_LINE = re.compile(r'\[(0|[1-9][0-9]*),"([0-9a-f]{64})",(\{.*\})\]')


def read_bundle(data):
    """(header, [(leaf index, chain hash, record bytes, record)]) of a bundle file's bytes, spelt
    exactly as the exporter writes it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MalformedBundle(f"not an audit bundle: not UTF-8 ({e})") from e
    lines = text.split("\n")
    try:
        header = json.loads(lines[0])
    except ValueError as e:
        raise MalformedBundle(f"not an audit bundle: its first line is not JSON: {e}") from e
    version = header.get("format_version") if isinstance(header, dict) else None
    if version != BUNDLE_FORMAT_VERSION:
        raise MalformedBundle(f"audit bundle format version {version} is not "
                              f"{BUNDLE_FORMAT_VERSION}, the one this verifier reads")
    if "\r" in text:
        line = text[:text.index("\r")].count("\n") + 1
        raise MalformedBundle(f"line {line} holds a carriage return; its lines must end in a "
                              "line feed alone")
    if not text.endswith("\n"):
        raise MalformedBundle("its last line does not end in a line feed")
    try:
        header = strict_json(lines[0])
    except ValueError as e:
        raise MalformedBundle(f"a key of the header appears twice in one object: {e}") from e
    check_signed_text_keys(header.get("signed_texts"))
    events = []
    for number, line in enumerate(lines[1:-1], start=2):
        match = EVENT_LINE.fullmatch(line)
        try:
            record = strict_json(match.group(3)) if match else None
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raise MalformedBundle(f"line {number}: not an event line of the form "
                                  '[leaf_index,"hash",{record}]')
        events.append((int(match.group(1)), bytes.fromhex(match.group(2)),
                       match.group(3).encode("utf-8"), record))
    return header, events


def check_signed_text_keys(signed_texts):
    """Each `signed_texts` entry, clause and version has exactly its keys (§10)."""
    def exactly(value, keys, what):
        if not isinstance(value, dict) or set(value) != keys:
            raise MalformedBundle(f"a malformed audit bundle header: {what} must have exactly "
                                  f"the keys {', '.join(sorted(keys))}")
    if not isinstance(signed_texts, list):
        raise MalformedBundle("a malformed audit bundle header: it has no signed_texts list")
    for entry in signed_texts:
        exactly(entry, {"revision", "text_root_hash", "clauses"}, "a signed text")
        for clause in entry["clauses"]:
            exactly(clause, {"clause_id", "kind", "versions"}, "a signed clause")
            for wording in clause["versions"].values():
                exactly(wording, {"heading", "text"}, "a signed wording")


def signed_text_root(negotiation_id, entry):
    """The §4 root recomputed from a `signed_texts` entry's own wording (§3 hash of each)."""
    clauses = [{"clause_id": c["clause_id"], "kind": c["kind"],
                "versions": {language: clause_text_hash(v["heading"], language, v["text"])
                             for language, v in c["versions"].items()}}
               for c in entry["clauses"]]
    return text_root_hash(negotiation_id, entry["revision"], clauses)


def verify_bundle(header, events, trusted=None, trusted_head=None):
    """The rules of §10 "What `audit verify` checks"; returns (findings, summary lines)."""
    negotiation = header["negotiation_id"]
    findings = []
    if not events:
        findings.append("bundle: it holds no event")

    # 1. The chain from the first event, on each line's own record bytes; stop at a broken link.
    previous, intact, last_leaf = bytes(32), True, None
    delegates, drafts = {}, []  # person -> delegate as last accredited; signatures seen
    for position, (leaf, chain_hash, record_bytes, record) in enumerate(events, start=1):
        sequence = record.get("sequence", position)
        if intact:
            if record.get("aggregate_id") != negotiation:
                findings.append(f"event {sequence}: it belongs to negotiation "
                                f"'{record.get('aggregate_id')}', not '{negotiation}'")
                intact = False
            elif sequence != position:
                findings.append(f"event {position}: expected sequence {position}; an event is "
                                "missing or out of place")
                intact = False
            elif sha256(CHAIN_TAG, previous, record_bytes) != chain_hash:
                findings.append(f"event {sequence}: its content hashes to "
                                f"{sha256(CHAIN_TAG, previous, record_bytes).hex()} but the "
                                f"ledger recorded {chain_hash.hex()}: the event was altered")
                intact = False
        previous = chain_hash
        if last_leaf is not None and leaf <= last_leaf:
            findings.append(f"event {sequence}: its leaf index {leaf} does not follow the "
                            "previous event's")
        last_leaf = leaf
        payload = record.get("payload", {})
        if "InstrumentSigned" in payload:
            signed = payload["InstrumentSigned"]
            known = delegates.get(signed.get("signatory"), {}).get("signing") or {}
            drafts.append((sequence, signed, known.get("public_key")))
        delegate = accredited_delegate(record) if "event_type" in record else None
        if delegate:
            delegates[delegate["person"]] = delegate

    # 2. The checkpoint's ledger signature, under keys.ledger.
    checkpoint, ledger_key = header["checkpoint"], header["keys"]["ledger"]
    body = checkpoint_body(checkpoint)
    if checkpoint["ledger_public_key"] != ledger_key:
        findings.append(f"checkpoint: it names key {checkpoint['ledger_public_key']}, not the "
                        f"ledger's key {ledger_key}")
    if body is None:
        findings.append("checkpoint: its root is malformed")
    elif not ed25519_verify(ledger_key, body.encode(), checkpoint["signature"]):
        findings.append("checkpoint: its ledger signature does not verify (the ledger's key)")

    # 3. The journal proof: the events' leaves give the checkpoint's root.
    proof = [hex32(h) for h in header["journal_proof"]]
    if body is not None:
        try:
            if None in proof:
                raise ValueError("a proof hash is malformed")
            root = multiproof_root(checkpoint["tree_size"], [(e[0], e[1]) for e in events], proof)
            if root.hex() != checkpoint["root_hash"]:
                raise ValueError(f"the events' leaves and the proof give root {root.hex()}, not "
                                 f"the checkpoint's {checkpoint['root_hash']}")
        except ValueError as e:
            findings.append(f"journal proof: {e}")

    # 4. Co-signatures: by a person the bundled events accredit as that party's signatory,
    #    under that key.
    counted = 0
    for s in header["cosignatures"]:
        delegate = delegates.get(s["person"], {})
        accredited = delegate.get("party") == s["party"] and \
            signatory_key(delegate) == s["public_key"]
        if not accredited:
            findings.append(f"co-signature of {s['party']}: {s['person']} is not accredited as "
                            f"{s['party']}'s signatory with key {s['public_key']}")
        if body is None:
            continue
        if ed25519_verify(s["public_key"], cosignature_message(body, s["signed_at"]).encode(),
                          s["signature"]):
            counted += accredited
        else:
            findings.append(f"co-signature of {s['party']}: its signature does not verify "
                            f"under key {s['public_key']}")

    # 5. The signed texts hash, from their own words, to the roots they name, and each
    #    signature binds one of them.
    texts, bound = {}, {(signed.get("revision", 0), signed["text_root_hash"])
                        for _, signed, _ in drafts}
    for entry in header["signed_texts"]:
        place = (entry["revision"], entry["text_root_hash"])
        subject = f"signed text of revision {place[0]} with root {place[1]}"
        if place in texts:
            findings.append(f"{subject}: it is listed twice in signed_texts")
            continue
        texts[place] = entry
        recomputed = signed_text_root(negotiation, entry)
        if recomputed != entry["text_root_hash"]:
            findings.append(f"{subject}: its clauses hash to root {recomputed}, not the root it "
                            "names: these are not the words signed")
        if place not in bound:
            findings.append(f"{subject}: no InstrumentSigned of the bundle binds it")
    for sequence, signed, key in drafts:
        revision, root = signed.get("revision", 0), signed["text_root_hash"]
        if (revision, root) not in texts:
            findings.append(f"signature at event {sequence}: signed_texts holds no text of "
                            f"revision {revision} with root {root}, the text it binds")
        # 6. The signature verifies under the key its signatory was accredited with before it.
        #    (Rule 6's replay of the events into a root is the domain's own further check, not
        #    repeated here: rule 5 already binds the signature to words hashed to its root.)
        if key is None:
            findings.append(f"signature at event {sequence}: {signed['signatory']} is not "
                            "accredited with a signing key before it")
        elif not ed25519_verify(key, signing_message(negotiation, signed), signed["signature"]):
            findings.append(f"signature at event {sequence}: it does not verify under key {key}")

    # 7. A checkpoint kept earlier: same ledger, and a prefix of the bundle's.
    if trusted is not None:
        findings += check_trusted(header, trusted)

    # 8. A head kept earlier: the bundle holds that event with that hash.
    if trusted_head is not None:
        kept_sequence, kept_hash = trusted_head
        held = {e[3].get("sequence"): e[1].hex() for e in events}
        if kept_sequence not in held:
            findings.append(f"bundle: it ends at event {len(events)}, before the head you kept "
                            f"(event {kept_sequence}): events were cut from its end")
        elif held[kept_sequence] != kept_hash:
            findings.append(f"event {kept_sequence}: its hash is {held[kept_sequence]}, not "
                            f"{kept_hash} as you kept it: the history was rewritten")

    summary = [f"{negotiation}: {len(events)} events, chain intact, every leaf in checkpoint "
               f"{checkpoint['tree_size']}; {counted} co-signatures, {len(drafts)} signatures "
               f"binding {len(texts)} signed texts verified"]
    return findings, summary


def check_trusted(header, trusted):
    bundle, kept = header["checkpoint"], trusted["checkpoint"]
    kept_body = checkpoint_body(kept)
    if kept_body is None or not ed25519_verify(kept["ledger_public_key"], kept_body.encode(),
                                                kept["signature"]):
        return ["trusted checkpoint: its own ledger signature does not verify"]
    if kept["ledger_public_key"] != header["keys"]["ledger"] or \
            kept["ledger_id"] != bundle["ledger_id"]:
        return [f"trusted checkpoint: it is signed by ledger key {kept['ledger_public_key']}, the "
                f"bundle by {header['keys']['ledger']}: not the same ledger"]
    old, new = kept["tree_size"], bundle["tree_size"]
    if old > new:
        return [f"trusted checkpoint: it covers {old} leaves but the bundle's checkpoint only "
                f"{new}: the ledger was rolled back or the bundle predates it"]
    if old == new:
        return [] if kept["root_hash"] == bundle["root_hash"] else [
            f"trusted checkpoint: it has root {kept['root_hash']} for {old} leaves, the bundle's "
            f"checkpoint {bundle['root_hash']}: the journal was rewritten"]
    proofs = [c["proof"] for c in header.get("consistency", []) if c["old_size"] == old]
    if not proofs:
        return [f"trusted checkpoint: the bundle has no consistency proof from size {old}"]
    proof = [hex32(h) for h in proofs[0]]
    if None in proof or not verify_consistency(old, hex32(kept["root_hash"]), new,
                                                hex32(bundle["root_hash"]), proof):
        return [f"trusted checkpoint: checkpoint {old} is not a prefix of the bundle's "
                f"checkpoint {new}"]
    return []


# ---------------------------------------------------------------------------------------------

def anchors(options):
    """The checkpoint (`pacta checkpoint show --json`) and the head an auditor kept, if given."""
    trusted = head = None
    if "--trusted-checkpoint" in options:
        with open(options["--trusted-checkpoint"], "rb") as f:
            trusted = strict_json(f.read().decode("utf-8"))
    if "--trusted-head" in options:
        sequence, _, hash_hex = options["--trusted-head"].partition(":")
        head = (int(sequence), hash_hex)
    return trusted, head


def main(argv):
    if len(argv) >= 2 and argv[0] == "ledger":
        findings, summary = verify_ledger(read_store(argv[1]))
    elif len(argv) >= 2 and argv[0] == "bundle":
        options = dict(zip(argv[2::2], argv[3::2]))
        with open(argv[1], "rb") as f:
            data = f.read()
        try:
            header, events = read_bundle(data)
            findings, summary = verify_bundle(header, events, *anchors(options))
        except MalformedBundle as e:
            print(f"bundle: {e}", file=sys.stderr)
            return INTEGRITY_EXIT
        except (KeyError, TypeError, AttributeError) as e:
            print(f"bundle: a field is missing or of the wrong type: {e!r}", file=sys.stderr)
            return INTEGRITY_EXIT
    elif argv[:1] == ["chain"]:
        events = strict_json(sys.stdin.read())
        findings, head = verify_chain(events[0]["aggregate_id"], events)
        summary = [f"{head[0]} {head[1]}"] if head else []
    else:
        print(__doc__, file=sys.stderr)
        return UNREADABLE_EXIT
    for line in findings:
        print(line, file=sys.stderr)
    if findings:
        return INTEGRITY_EXIT
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (Unreadable, OSError, ValueError, KeyError, TypeError) as e:
        print(f"cannot verify: {e}", file=sys.stderr)
        sys.exit(UNREADABLE_EXIT)
