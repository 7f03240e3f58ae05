#!/usr/bin/python3
"""suite.py -- the openspf RFC 7208 test suite (YAML) for t09-spf-conformance.

  suite.py count YAML              number of scenarios
  suite.py zones YAML N DIR        write scenario N's zone data as NSD zone files in DIR
                                   (one root zone; a name that must time out gets a zone
                                   of its own that NSD cannot load, so it answers
                                   SERVFAIL); print the files, the root zone first
  suite.py checks YAML N           scenario N's tests as spf-suite "check" lines
  suite.py static YAML             every scenario for spf-suite --static (zone + check lines)
  suite.py report YAML RESULTS     compare spf-suite's output with the allowed results;
                                   print "FAIL name: ..." lines (and "EXPLANATION name: ..."
                                   for fail results whose explanation text differs), then
                                   "passed N failed M explanations K of L"

Zone data follows pyspf's testspf.py, which the suite was written for: SPF records are
served as TXT records unless the name has TXT records of its own; TXT "NONE" means no
TXT record; TIMEOUT makes the name time out for types it has no records of.
"""
import gzip
import os
import sys

import yaml


DEFAULT_EXPLANATION = 'SPF fail - not authorized'  # lib/spf/spf.cpp


def load(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        return list(yaml.safe_load_all(f))


def norm(name):
    return name.lower().rstrip('.')


def records(scenario):
    """{name: [(type, value)]} with SPF copied to TXT as testspf.py does, and the set
    of names that time out."""
    out, timeouts = {}, set()
    for name, rrs in scenario['zonedata'].items():
        n = norm(name)
        lst = out.setdefault(n, [])
        txt, gen = [], True
        for rr in rrs:
            if rr == 'TIMEOUT':
                timeouts.add(n)
                continue
            for t, v in rr.items():
                if t in ('TXT', 'SPF') and isinstance(v, str):
                    v = [v]
                if t == 'TXT':
                    gen = False
                elif t == 'SPF' and gen:
                    txt.append(('TXT', v))
                if t == 'SPF' or v == ['NONE']:
                    continue
                lst.append((t, v))
        if gen:
            lst.extend(txt)
    return out, timeouts


def txt_rdata(strings):
    parts = []
    for s in strings or ['']:
        b = s.encode('utf-8')
        chunks = [b[i:i + 255] for i in range(0, len(b), 255)] or [b'']
        for c in chunks:
            q = ''.join(chr(x) if 0x20 <= x < 0x7f and x not in (0x22, 0x5c) else '\\%03d' % x
                        for x in c)
            parts.append('"%s"' % q)
    return ' '.join(parts)


def zname(name):
    """A domain name in zone-file form: bytes other than letters, digits, '-' and '_'
    in a label are written as \\DDD."""
    name = norm(name)
    return '.'.join(''.join(c if c.isascii() and (c.isalnum() or c in '-_') else
                            ''.join('\\%03d' % b for b in c.encode('utf-8')) for c in label)
                    for label in name.split('.')) + '.'


def rr_line(name, t, v):
    if t == 'TXT':
        return '%s 300 IN TXT %s' % (zname(name), txt_rdata(v))
    if t == 'MX':
        return '%s 300 IN MX %d %s' % (zname(name), v[0], zname(v[1]))
    if t in ('PTR', 'CNAME'):
        return '%s 300 IN %s %s' % (zname(name), t, zname(v))
    return '%s 300 IN %s %s' % (zname(name), t, v)


def write_zones(scenario, directory):
    recs, timeouts = records(scenario)
    os.makedirs(directory, exist_ok=True)
    lines, broken = [], []
    for name, lst in recs.items():
        has_txt = any(t == 'TXT' for t, _ in lst)
        below = any(o != name and o.endswith('.' + name) for o in recs)
        if name in timeouts and not has_txt and not below:
            broken.append(name)
            continue
        lines.extend(rr_line(name, t, v) for t, v in lst)
    # One root zone holds every name, so a name the scenario does not list (a HELO
    # name through %{h}, say) is NXDOMAIN as on the Internet, not REFUSED. The file
    # has no $ORIGIN line and is called "...zone": common.sh's start_dns then takes the
    # zone name from the file name ("..", less its final dot: ".").
    root = os.path.join(directory, '...zone')
    with open(root, 'w') as f:
        f.write('$TTL 300\n')
        f.write('. IN SOA ns.root-servers.test. hostmaster.root-servers.test. '
                '( 1 3600 900 604800 300 )\n')
        f.write('. IN NS ns.root-servers.test.\nns.root-servers.test. IN A 127.0.0.1\n')
        f.write('\n'.join(lines) + '\n')
    files = [root]
    for name in broken:
        # No SOA and a bad record: NSD does not load the zone and answers SERVFAIL.
        path = os.path.join(directory, 'timeout-' + name + '.zone')
        with open(path, 'w') as f:
            f.write('$ORIGIN %s.\n@ IN BOGUS timeout\n' % name)
        files.append(path)
    return files


def tests(scenario, n):
    for name, t in scenario['tests'].items():
        yield '%d:%s' % (n, name), t


def check_lines(scenario, n):
    for tid, t in tests(scenario, n):
        yield '\t'.join(['check', tid, str(t['host']), str(t.get('helo', '')),
                         str(t.get('mailfrom', ''))])


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    docs = load(path)
    if cmd == 'count':
        print(len(docs))
    elif cmd == 'zones':
        for f in write_zones(docs[int(sys.argv[3])], sys.argv[4]):
            print(f)
    elif cmd == 'checks':
        n = int(sys.argv[3])
        for line in check_lines(docs[n], n):
            print(line)
    elif cmd == 'static':
        for n, sc in enumerate(docs):
            print('reset')
            recs, timeouts = records(sc)
            for name in timeouts:
                print('zone\t%s\tTIMEOUT\t' % name)
            for name, lst in recs.items():
                for t, v in lst:
                    if t == 'TXT':
                        data = b''.join(s.encode('utf-8') for s in v).hex()
                    elif t == 'MX':
                        data = '%d %s' % (v[0], v[1])
                    else:
                        data = str(v)
                    print('zone\t%s\t%s\t%s' % (name, t, data))
            for line in check_lines(sc, n):
                print(line)
    elif cmd == 'report':
        got = {}
        with open(sys.argv[3], encoding='utf-8', errors='replace') as f:
            for line in f:
                parts = line.rstrip('\n').split('\t')
                got[parts[0]] = parts[1:]
        passed = failed = exp_same = exp_all = 0
        for n, sc in enumerate(docs):
            for tid, t in tests(sc, n):
                want = t['result'] if isinstance(t['result'], list) else [t['result']]
                g = got.get(tid, ['(no answer)', '', ''])
                if g[0] in want:
                    passed += 1
                    if 'explanation' in t and g[0] == 'fail':
                        exp_all += 1
                        wexp = DEFAULT_EXPLANATION if t['explanation'] == 'DEFAULT' else t['explanation']
                        if len(g) > 1 and g[1] == wexp:
                            exp_same += 1
                        else:
                            print('EXPLANATION %s: got "%s", want "%s"' % (
                                tid.split(':', 1)[1], g[1] if len(g) > 1 else '', wexp))
                else:
                    failed += 1
                    print('FAIL %s: got %s, want %s%s' % (tid.split(':', 1)[1], g[0], '|'.join(want),
                                                         (' (' + g[2] + ')') if len(g) > 2 and g[2] else ''))
        print('passed %d failed %d explanations %d of %d' % (passed, failed, exp_same, exp_all))
    else:
        sys.exit('suite.py: unknown command ' + cmd)


if __name__ == '__main__':
    main()
