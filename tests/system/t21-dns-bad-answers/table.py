#!/usr/bin/python3
"""table.py -- writes t21-dns-bad-answers' rawdns table (JSON) on stdout.

Usage: table.py ED25519.txt RSA.txt   (postseal keygen's record files)

Every name lives under example.com (DKIM keys, DMARC) or example.org (SPF). Each
selector or SPF domain is one case of issue 15; the run script says what each must give
and why (the RFC sections are cited there).
"""
import json
import re
import sys


def key_text(path):
    """The record text of a keygen .txt file: its quoted strings joined."""
    with open(path) as f:
        return "".join(re.findall(r'"([^"]*)"', f.read()))


def strings(text, size=255):
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def txt(*texts):
    return [{"type": "TXT", "strings": strings(t)} for t in texts]


ed = key_text(sys.argv[1])
rsa = key_text(sys.argv[2])
junk = "\xff\x00\x01 not a record"  # binary bytes: latin-1 on the wire
K = "._domainkey.example.com"
table = []


def add(name, answer=None, **kw):
    e = {"name": name, "type": kw.pop("qtype", "TXT"), "answer": answer or []}
    e.update(kw)
    table.append(e)


# DKIM keys.
add("good" + K, txt(ed))
add("junk" + K, txt(junk) + txt(ed))
add("emptystr" + K, txt("") + txt(ed))
add("emptyrdata" + K, [{"type": "TXT", "rdata_hex": ""}] + txt(ed))
add("badlen" + K, [{"type": "TXT", "rdata_hex": "ff414243"}] + txt(ed))
# One record, its strings cut in the middle of tags and of the base64 key.
cut = [rsa[:11], rsa[11:20], rsa[20:150], rsa[150:300], rsa[300:]]
add("splitok" + K, [{"type": "TXT", "strings": cut}])
# The same text as two records.
add("splitrr" + K, txt(rsa[:150], rsa[150:]))
add("tc" + K, txt(ed), tc_udp=True)
# About 40 KB: 150 records of 255 bytes after the key; only TCP can carry it.
add("overlong" + K, txt(ed) + [{"type": "TXT", "strings": ["x" * 255]}] * 150)
add("loop" + K, [{"type": "CNAME", "target": "loop2" + K}])
add("loop2" + K, [{"type": "CNAME", "target": "loop" + K}])


def chain(first, hops):
    names = [first] + ["hop%d-%s" % (i, first) for i in range(1, hops + 1)]
    for a, b in zip(names, names[1:]):
        add(a, [{"type": "CNAME", "target": b}])
    add(names[-1], txt(ed))


chain("chain11" + K, 11)
chain("chainlong" + K, 12)
add("nodata" + K)
add("servfail" + K, rcode=2)

# DMARC: an empty and a binary record beside the policy record.
add("_dmarc.example.com", txt("") + txt(junk) + txt("v=DMARC1; p=reject"))

# SPF (MAIL FROM domains).
spf = "v=spf1 ip4:192.0.2.1 -all"
add("junk.example.org", txt("") + txt(junk) + txt(spf))
add("tc.example.org", txt(spf), tc_udp=True)
add("loop.example.org", [{"type": "CNAME", "target": "loop2.example.org"}])
add("loop2.example.org", [{"type": "CNAME", "target": "loop.example.org"}])
add("nodata.example.org")
add("servfail.example.org", rcode=2)

json.dump(table, sys.stdout, indent=1)
