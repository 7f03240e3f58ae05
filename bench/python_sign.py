#!/usr/bin/python3
"""bench/python_sign.py -- python3-dkim signing throughput, the comparison anchor.

Signs one message file with dkim.sign() (Debian's python3-dkim) for a bounded time,
relaxed/relaxed, with the key that sign_bench wrote (PKCS#8 PEM). python3-dkim wants
RSA keys as PKCS#1 PEM and Ed25519 keys as the base64 of the raw 32-byte seed, so the
PKCS#8 wrapper is taken off once, before timing; the key is the same. dkim.sign() parses
its key argument on every call: that is part of its API and so part of what is timed.
Prints one line in sign_bench's format: case= messages= seconds= msg_per_s= bh=.
Run with /usr/bin/python3 (the interpreter python3-dkim is installed for).
"""

import argparse
import base64
import re
import sys
import time

import dkim


def der_item(data, pos):
    """Returns (tag, content_start, content_end) of the DER item at pos."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    return tag, pos, pos + length


def pkcs8_private_key(pem):
    """The privateKey OCTET STRING content of a PKCS#8 PrivateKeyInfo (RFC 5208)."""
    body = b"".join(l for l in pem.splitlines() if l and not l.startswith(b"-----"))
    der = base64.b64decode(body)
    tag, start, _ = der_item(der, 0)  # PrivateKeyInfo SEQUENCE
    assert tag == 0x30, "not a PKCS#8 key"
    _, _, pos = der_item(der, start)  # version INTEGER
    _, _, pos = der_item(der, pos)  # privateKeyAlgorithm SEQUENCE
    tag, start, end = der_item(der, pos)  # privateKey OCTET STRING
    assert tag == 0x04, "not a PKCS#8 key"
    return der[start:end]


def dkim_key(pem, alg):
    """The key in the form dkim.sign() takes for this algorithm."""
    inner = pkcs8_private_key(pem)
    if alg == "rsa":
        b64 = base64.b64encode(inner)
        lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
        return (b"-----BEGIN RSA PRIVATE KEY-----\n" + b"\n".join(lines) +
                b"\n-----END RSA PRIVATE KEY-----\n")
    # Ed25519: CurvePrivateKey ::= OCTET STRING (RFC 8410 section 7), 32 bytes.
    tag, start, end = der_item(inner, 0)
    assert tag == 0x04 and end - start == 32, "not an Ed25519 key"
    return base64.b64encode(inner[start:end])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", required=True)
    p.add_argument("--key", required=True, help="PKCS#8 PEM file")
    p.add_argument("--alg", required=True, choices=["rsa", "ed25519"])
    p.add_argument("--message", required=True)
    p.add_argument("--seconds", type=float, default=2.0)
    a = p.parse_args()

    with open(a.key, "rb") as f:
        key = dkim_key(f.read(), a.alg)
    with open(a.message, "rb") as f:
        msg = f.read()
    sigalg = b"rsa-sha256" if a.alg == "rsa" else b"ed25519-sha256"

    def sign():
        return dkim.sign(msg, b"bench", b"example.com", key,
                         canonicalize=(b"relaxed", b"relaxed"),
                         signature_algorithm=sigalg)

    first = sign()  # untimed, as in sign_bench
    count = 0
    start = time.perf_counter()
    limit = start + a.seconds
    while True:
        sign()
        count += 1
        now = time.perf_counter()
        if now >= limit:
            break
    elapsed = now - start
    flat = re.sub(rb"\s+", b"", first)
    m = re.search(rb"[;:]bh=([^;]*)", flat)
    bh = m.group(1).decode() if m else ""
    print("case=%s messages=%d seconds=%.3f msg_per_s=%.1f mb_per_s=%.1f bh=%s" %
          (a.case, count, elapsed, count / elapsed,
           count / elapsed * len(msg) / 1e6, bh))
    return 0


if __name__ == "__main__":
    sys.exit(main())
