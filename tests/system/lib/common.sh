# tests/system/lib/common.sh -- shared harness for postseal's system tests (bash).
#
# Each tests/system/tNN-name/run sources this file first:
#
#   . "$(dirname "$0")/../lib/common.sh"
#
# and then gets:
#   - TAP output: plan N | done_testing, ok COND DESC, pass DESC, fail DESC, diag TEXT,
#     is GOT WANT DESC, skip_rest (counted as failure by us), bail_out REASON.
#   - A private temp directory $T (mode 755), removed on exit unless
#     POSTSEAL_KEEP_TMP=1 (then its path is printed as a diag line).
#   - Process tracking: track_pid PID or bg_run CMD... (sets $BG_PID; CMD runs under
#     lib/reaper, a subreaper that stops and reaps whatever CMD leaves behind). Every tracked
#     process is stopped by PID (TERM, then KILL) on exit, failure or signal, through
#     the one EXIT trap. Add more cleanup with at_cleanup 'shell command'.
#   - free_port: a port free on 127.0.0.1 for TCP and UDP, chosen at run time.
#   - start_dns ZONEFILE...: NSD on 127.0.0.1:$DNS_PORT serving those zones over UDP
#     and TCP; dns_query NAME TYPE [tcp] asks it; stop_dns stops it (by PID).
#     NSD_EXTRA_SERVER_CONFIG, when set, is added to NSD's server: clause (one
#     "  option: value" per line), e.g. "  ipv4-edns-size: 512" to truncate UDP answers.
#   - write_zone ORIGIN FILE [RR-LINE...]: a zone file with SOA/NS boilerplate.
#   - require_cmd CMD...: bail out (never skip) when a prerequisite is missing.
#   - The verifiers: $VERIFY_DKIMPY and $VERIFY_MAIL_DKIM (see their headers), to be run
#     with --port "$DNS_PORT".
#
# Environment (set by `make check`, see Makefile.am's AM_TESTS_ENVIRONMENT): POSTSEAL,
# top_srcdir, top_builddir, POSTSEAL_TESTDATA. When a test is run by hand from the build
# directory these default to sensible values. Tests run with cwd = build directory and
# must write only below $T (make distcheck's source tree is read-only).
#
# A test that cannot set up its prerequisites must fail (bail_out), never pass or skip:
# our CI counts SKIP (exit 77) as failure anyway.

set -u
set -o pipefail

SYSTEST_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SYSTEST_NAME=$(basename "$(cd "$(dirname "$0")" && pwd)")

: "${top_srcdir:=$(cd "$SYSTEST_LIB/../../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${POSTSEAL:=$top_builddir/tools/postseal}"
: "${POSTSEAL_TESTDATA:=$top_srcdir/tests/data}"
export top_srcdir top_builddir POSTSEAL POSTSEAL_TESTDATA

# Debian's python3 carries python3-dkim and dnspython; a python3 earlier on PATH may not.
PYTHON=/usr/bin/python3
VERIFY_DKIMPY="$SYSTEST_LIB/verify-dkimpy"
VERIFY_MAIL_DKIM="$SYSTEST_LIB/verify-mail-dkim"

# ---------------------------------------------------------------------------------------
# TAP

_tap_n=0          # tests run so far
_tap_failed=0     # of which failed
_tap_planned=""   # the plan, when given up front
_tap_done=0       # a plan line was printed

# plan N: announce N tests up front.
plan() {
  _tap_planned=$1
  _tap_done=1
  echo "1..$1"
}

# done_testing: print the plan at the end (when plan was not called).
done_testing() {
  if [ "$_tap_done" = 0 ]; then
    echo "1..$_tap_n"
    _tap_done=1
  fi
}

# diag TEXT...: a comment line per line of TEXT (never affects the result).
diag() {
  local line
  printf '%s\n' "$*" | while IFS= read -r line; do echo "# $line"; done
}

# diag_file FILE [MAXLINES]: show (the head of) a file as diagnostics.
diag_file() {
  [ -r "$1" ] || { diag "($1 missing)"; return 0; }
  diag "---- $1"
  head -n "${2:-40}" "$1" | cut -c1-300 | while IFS= read -r line; do echo "#   $line"; done
}

pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
fail() {
  _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
  echo "not ok $_tap_n - $*"
}

# ok STATUS DESC: passes when STATUS is 0 (use: cmd; ok $? "desc").
ok() {
  local st=$1; shift
  if [ "$st" = 0 ]; then pass "$*"; else fail "$*"; fi
}

# is GOT WANT DESC: string equality, shows both values on failure.
is() {
  if [ "$1" = "$2" ]; then pass "$3"; else
    fail "$3"; diag "got:  '$1'" "want: '$2'"
  fi
}

# bail_out REASON: stop the whole test run as a hard error (counted as failure).
bail_out() {
  echo "Bail out! $SYSTEST_NAME: $*"
  exit 99
}

# ---------------------------------------------------------------------------------------
# Temp dir, processes, cleanup

_pids=()
_cleanups=()

# track_pid PID...: stop these processes on exit.
track_pid() { _pids+=("$@"); }

# untrack_pid PID: forget a process that the test stopped itself.
untrack_pid() {
  local p keep=()
  for p in "${_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  _pids=("${keep[@]}")
}

# at_cleanup 'COMMAND': run COMMAND on exit (after processes are stopped), in LIFO order.
at_cleanup() { _cleanups=("$1" "${_cleanups[@]}"); }

# bg_run CMD...: start CMD in the background, track it, and set BG_PID. CMD runs under
# lib/reaper, so whatever it forks is reaped and stopped with it.
bg_run() {
  "$SYSTEST_LIB/reaper" "$@" &
  BG_PID=$!
  track_pid "$BG_PID"
}

# stop_pid PID [SECONDS]: TERM, wait up to SECONDS (default 5), then KILL. By PID only.
# Children of PID (e.g. NSD's server process) are waited for too, and killed by PID if
# they outlive their parent.
stop_pid() {
  local pid=$1 limit=${2:-5} i=0 kids k
  kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ' || true)
  if _alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    while _alive "$pid" && [ "$i" -lt $((limit * 10)) ]; do sleep 0.1; i=$((i + 1)); done
    _alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
  for k in $kids; do
    i=0
    while _alive "$k" && [ "$i" -lt $((limit * 10)) ]; do sleep 0.1; i=$((i + 1)); done
    _alive "$k" && kill -KILL "$k" 2>/dev/null
  done
  return 0
}

# _alive PID: the process exists and is not a zombie.
_alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  case $st in Z*|"") return 1 ;; esac
  return 0
}

_systest_exit() {
  local st=$?
  trap - EXIT INT TERM HUP
  local p c
  for p in "${_pids[@]}"; do stop_pid "$p"; done
  for c in "${_cleanups[@]}"; do eval "$c" || true; done
  if [ -n "${T:-}" ] && [ -d "$T" ]; then
    if [ "${POSTSEAL_KEEP_TMP:-0}" = 1 ] || { [ "$_tap_failed" != 0 ] &&
         [ "${POSTSEAL_KEEP_TMP_ON_FAIL:-0}" = 1 ]; }; then
      echo "# kept temp dir $T"
    else
      rm -rf "$T"
    fi
  fi
  # A failed test or a short count must not exit 0.
  if [ "$st" = 0 ]; then
    if [ "$_tap_failed" != 0 ]; then st=1; fi
    if [ -n "$_tap_planned" ] && [ "$_tap_n" != "$_tap_planned" ]; then
      echo "# planned $_tap_planned tests but ran $_tap_n"
      st=1
    fi
    if [ "$_tap_done" = 0 ]; then
      echo "1..$_tap_n"
      [ "$_tap_n" = 0 ] && { echo "Bail out! $SYSTEST_NAME: no test ran"; st=99; }
    fi
  fi
  exit "$st"
}
trap _systest_exit EXIT
trap 'echo "# interrupted"; exit 98' INT TERM HUP

T=$(mktemp -d "${TMPDIR:-/tmp}/postseal-$SYSTEST_NAME.XXXXXX") ||
  bail_out "cannot create a temp directory"
chmod 755 "$T"

# ---------------------------------------------------------------------------------------
# Prerequisites

# require_cmd CMD...: every CMD must be runnable, else bail out (never a silent pass).
require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || bail_out "missing prerequisite: $c (run scripts/deps)"
  done
}

# require_postseal: the program under test must exist.
require_postseal() {
  [ -x "$POSTSEAL" ] || bail_out "POSTSEAL=$POSTSEAL is not an executable (build first)"
}

# require_verifiers: both independent DKIM verifiers and their modules.
require_verifiers() {
  require_cmd "$PYTHON" perl
  "$PYTHON" -c 'import dkim, dns.resolver, nacl' 2>/dev/null ||
    bail_out "python3-dkim, python3-dnspython or python3-nacl missing (run scripts/deps)"
  perl -MMail::DKIM::Verifier -MNet::DNS -MCrypt::PK::Ed25519 -e1 2>/dev/null ||
    bail_out "libmail-dkim-perl, libnet-dns-perl or libcryptx-perl missing (run scripts/deps)"
}

# ---------------------------------------------------------------------------------------
# Ports

# free_port: print a port that is free on 127.0.0.1 for both TCP and UDP right now. The
# kernel picks it (so nothing else holds it); a caller that loses a race retries.
free_port() {
  perl -MIO::Socket::INET -e '
    for (1..50) {
      my $t = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
                                    Proto => "tcp", Listen => 1, ReuseAddr => 0) or next;
      my $p = $t->sockport;
      my $u = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $p,
                                    Proto => "udp") or next;
      print "$p\n"; exit 0;
    }
    exit 1;' || bail_out "no free port on 127.0.0.1"
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
  local limit=$1 i=0; shift
  until "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -ge $((limit * 10)) ] && return 1
    sleep 0.1
  done
  return 0
}

# ---------------------------------------------------------------------------------------
# DNS (NSD on loopback)

DNS_PORT=""
DNS_PID=""

# write_zone ORIGIN FILE [RR-LINE...]: write a zone file for ORIGIN with $ORIGIN, $TTL,
# SOA and NS records, followed by each RR-LINE (owner names relative to ORIGIN).
# Append more records later with `cat S.txt >> FILE` (postseal keygen's TXT output).
write_zone() {
  local origin=${1%.} file=$2; shift 2
  {
    printf '$ORIGIN %s.\n$TTL 300\n' "$origin"
    printf '@ IN SOA ns.%s. hostmaster.%s. ( 1 3600 900 604800 300 )\n' "$origin" "$origin"
    printf '@ IN NS ns.%s.\nns IN A 127.0.0.1\n' "$origin"
    local rr
    for rr in "$@"; do printf '%s\n' "$rr"; done
  } > "$file"
}

# _zone_origin FILE: the zone's name, from its first $ORIGIN line, else from the file
# name without a trailing ".zone".
_zone_origin() {
  local o
  o=$(sed -n 's/^\$ORIGIN[[:space:]]\{1,\}\([^[:space:];]*\).*/\1/p' "$1" | head -n 1)
  [ -n "$o" ] || o=$(basename "$1" .zone)
  printf '%s\n' "${o%.}"
}

# dns_query NAME TYPE [tcp]: ask our server; prints the answer's RDATA, one per line
# (TXT strings joined). Exit 0 when the server answered (any rcode), 1 otherwise.
dns_query() {
  perl -MNet::DNS -e '
    my ($name, $type, $port, $tcp) = @ARGV;
    my $r = Net::DNS::Resolver->new(nameservers => ["127.0.0.1"], port => $port,
      recurse => 0, retry => 1, retrans => 1, udp_timeout => 2, tcp_timeout => 2,
      usevc => ($tcp eq "tcp" ? 1 : 0), igntc => 0);
    my $p = $r->send($name, $type) or exit 1;
    for my $rr ($p->answer) {
      next unless $rr->type eq $type;
      print $type eq "TXT" ? join("", $rr->txtdata) : $rr->rdstring, "\n";
    }
    exit 0;' "$1" "$2" "$DNS_PORT" "${3:-udp}"
}

# start_dns ZONEFILE...: run NSD on 127.0.0.1 (UDP and TCP) at a free port serving each
# zone; sets DNS_PORT and DNS_PID and waits until it answers for the first zone. NSD
# runs as root in the foreground (-d) with everything (pid file, zone list, xfrd state,
# log) inside $T/nsd; zones are read from their files, no database. Stopped on exit.
# NSD_EXTRA_SERVER_CONFIG, when set, is added to the server: clause (indented lines,
# e.g. "  ipv4-edns-size: 512" so that large answers need TCP).
start_dns() {
  [ "$#" -ge 1 ] || bail_out "start_dns: no zone file"
  require_cmd nsd perl
  local dir="$T/nsd" z attempt origin first=""
  mkdir -p "$dir"
  for attempt in 1 2 3 4 5; do
    DNS_PORT=$(free_port)
    {
      cat <<EOF
server:
  ip-address: 127.0.0.1
  port: $DNS_PORT
  do-ip4: yes
  do-ip6: no
  server-count: 1
  tcp-count: 20
  username: ""
  chroot: ""
  database: ""
  zonesdir: "$dir"
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  verbosity: 1
  hide-version: yes
  reuseport: no
${NSD_EXTRA_SERVER_CONFIG:-}
remote-control:
  control-enable: no
EOF
      for z in "$@"; do
        [ -r "$z" ] || bail_out "start_dns: cannot read zone file $z"
        origin=$(_zone_origin "$z")
        [ -n "$first" ] || first=$origin
        printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$origin" "$(cd "$(dirname "$z")" && pwd)/$(basename "$z")"
      done
    } > "$dir/nsd.conf"
    nsd-checkconf "$dir/nsd.conf" >"$dir/checkconf.out" 2>&1 ||
      { diag_file "$dir/checkconf.out"; bail_out "start_dns: nsd-checkconf failed"; }
    : > "$dir/nsd.log"
    "$SYSTEST_LIB/reaper" nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
    DNS_PID=$!
    track_pid "$DNS_PID"
    if wait_for 10 _dns_answers "$first"; then
      return 0
    fi
    # Lost the port to someone else, or NSD refused the config: show why, try again.
    diag "start_dns: NSD on port $DNS_PORT did not answer (attempt $attempt)"
    diag_file "$dir/nsd.out" 10
    diag_file "$dir/nsd.log" 10
    stop_pid "$DNS_PID"; untrack_pid "$DNS_PID"; DNS_PID=""
  done
  bail_out "start_dns: NSD would not start"
}

# _dns_answers ORIGIN: true when the server returns the zone's SOA authoritatively.
_dns_answers() {
  kill -0 "$DNS_PID" 2>/dev/null || return 1
  [ -n "$(dns_query "$1" SOA 2>/dev/null)" ]
}

# stop_dns: stop NSD now (it is also stopped on exit).
stop_dns() {
  [ -n "$DNS_PID" ] || return 0
  stop_pid "$DNS_PID"; untrack_pid "$DNS_PID"; DNS_PID=""
}

# ---------------------------------------------------------------------------------------
# Message helpers

# to_crlf IN OUT: convert LF line ends to CRLF (lines already CRLF are kept).
to_crlf() { perl -pe 's/(?<!\r)\n/\r\n/g' "$1" > "$2"; }

# header_value FILE NAME: the first NAME header field of FILE, unfolded, without "NAME:".
header_value() {
  perl -e '
    my ($file, $want) = @ARGV; local $/; open my $fh, "<", $file or exit 1;
    my $m = <$fh>; my ($h) = split /\r?\n\r?\n/, $m, 2; $h =~ s/\r?\n([ \t])/$1/g;
    for (split /\r?\n/, $h) {
      if (/^\Q$want\E[ \t]*:(.*)$/i) { print "$1\n"; exit 0; }
    }
    exit 1;' "$1" "$2"
}

# dkim_tag FILE TAG [N]: tag TAG of the Nth (default 1) DKIM-Signature of FILE,
# whitespace removed.
dkim_tag() {
  perl -e '
    my ($file, $tag, $n) = @ARGV; local $/; open my $fh, "<", $file or exit 1;
    my $m = <$fh>; my ($h) = split /\r?\n\r?\n/, $m, 2; $h =~ s/\r?\n([ \t])/$1/g;
    my @sigs = grep { /^DKIM-Signature[ \t]*:/i } split /\r?\n/, $h;
    my $s = $sigs[$n - 1] // exit 1; $s =~ s/^[^:]*://;
    for (split /;/, $s) {
      my ($k, $v) = /^\s*([A-Za-z0-9_]+)\s*=(.*)$/s or next;
      if ($k eq $tag) { $v =~ s/\s+//g; print "$v\n"; exit 0; }
    }
    exit 1;' "$1" "$2" "${3:-1}"
}

# count_dkim_signatures FILE: how many DKIM-Signature fields the header has.
count_dkim_signatures() {
  perl -e '
    local $/; open my $fh, "<", $ARGV[0] or exit 1; my $m = <$fh>;
    my ($h) = split /\r?\n\r?\n/, $m, 2; my $n = () = $h =~ /^DKIM-Signature[ \t]*:/mgi;
    print "$n\n";' "$1"
}
