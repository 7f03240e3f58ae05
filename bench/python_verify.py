#!/usr/bin/python3
"""bench/python_verify.py -- python3-dkim verification throughput, in process.

Verifies one signed message file with dkim.verify() (Debian's python3-dkim) in a loop
for a bounded time. The key record comes from a dnsfunc that returns it from memory,
as bench/verify_bench's in-memory resolver does for postseal: no DNS, no process
start-up, only what a long-running verifier pays per message. Every call must return
True. Prints one line in verify_bench's format: case= bytes= messages= seconds=
msg_per_s= mb_per_s= result=. Run with /usr/bin/python3.
"""

import argparse
import sys
import time

import dkim


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", required=True)
    p.add_argument("--message", required=True, help="signed message file")
    p.add_argument("--record", required=True, help="file holding the key record")
    p.add_argument("--seconds", type=float, default=2.0)
    a = p.parse_args()

    with open(a.message, "rb") as f:
        msg = f.read()
    with open(a.record, "rb") as f:
        record = f.read().strip()

    def dnsfunc(name, timeout=5):
        want = a.case.split("-")[0] + "._domainkey.example.com"
        return record if name.rstrip(b".") == want.encode() else None

    def verify():
        return dkim.verify(msg, dnsfunc=dnsfunc)

    if not verify():  # untimed, as in verify_bench
        print("python_verify: %s: verification failed" % a.case, file=sys.stderr)
        return 1
    count = 0
    start = time.perf_counter()
    limit = start + a.seconds
    while True:
        if not verify():
            print("python_verify: %s: verification failed" % a.case, file=sys.stderr)
            return 1
        count += 1
        now = time.perf_counter()
        if now >= limit:
            break
    elapsed = now - start
    print("case=%s bytes=%d messages=%d seconds=%.3f msg_per_s=%.1f mb_per_s=%.1f "
          "result=pass" % (a.case, len(msg), count, elapsed, count / elapsed,
                           count / elapsed * len(msg) / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
