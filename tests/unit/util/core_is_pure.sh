#!/bin/sh
# The core (lib/mail, lib/dkim, lib/authres) does no I/O (STYLE.md): no <unistd.h>, no
# syslog, no libunbound calls. Reports TAP.
cd "${top_srcdir:-.}" || exit 99
echo "1..3"
n=0
for pat in '<unistd.h>' 'syslog' 'ub_'; do
  n=$((n + 1))
  hits=$(grep -rn -- "$pat" lib/mail lib/dkim lib/authres 2>/dev/null)
  if [ -z "$hits" ]; then
    echo "ok $n - core sources do not use $pat"
  else
    echo "not ok $n - core sources use $pat"
    echo "$hits" | sed 's/^/# /'
  fi
done
