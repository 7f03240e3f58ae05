# tests/system/lib/postfix.sh -- a throwaway Postfix instance for postseal's system tests.
#
# Usage, at the very top of a tNN-name/run script (before common.sh, see "Isolation"):
#
#   . "$(dirname "$0")/../lib/postfix.sh"
#   postfix_isolate "$0" "$@"            # re-executes the script in private namespaces
#   . "$(dirname "$0")/../lib/common.sh"
#   postfix_init                         # after common.sh: loopback up, user, dirs
#   capture_start                        # the final destination (an SMTP sink)
#   postfix_use_example simple-filter SUBST...   # postfix-examples/, verbatim
#   postfix_start
#   smtp_send FROM RCPT... < MESSAGE     # to the instance's smtpd on 127.0.0.1:25
#                                        # (127.0.0.1:$SMTP_PORT when set)
#   capture_wait N SECONDS               # until N messages have arrived
#
# Isolation. Reinjecting with sendmail(1) from a pipe(8) filter works only for the
# default instance (/etc/postfix): for any other config_directory postdrop wants it
# listed in alternate_config_directories of /etc/postfix/main.cf (notes item 3). So the
# test runs in its own mount namespace, where $T/postfix/etc is bind-mounted over
# /etc/postfix: inside, the throwaway instance IS the default instance, and the host's
# /etc/postfix is never changed. The same `unshare` gives a private network namespace
# with only loopback (notes item 8): smtpd can listen on 127.0.0.1:25 as the examples
# say, nothing else can hold the port, and no mail can leave the machine. Every process
# the test starts (Postfix's master included) lives in these namespaces; they vanish
# when the last of them exits.
#
# The instance: own main.cf (generated here) and master.cf (a base with the usual
# services, no chroot, plus the postlog service, followed by the example snippet
# verbatim), queue_directory $T/postfix/spool, data_directory $T/postfix/data (owned by
# postfix), maillog_file $T/postfix/maillog, inet_interfaces = loopback-only, IPv4
# only, mynetworks 127.0.0.0/8, and relayhost = [127.0.0.1]:$CAPTURE_PORT, so that
# every message, whatever its recipient, ends in the capture server.
#
# The capture server (capture_start) is a small SMTP server in /usr/bin/python3: for
# every transaction it writes $CAPTURE_DIR/NNNN.env (MAIL FROM and RCPT TO lines, then
# the number of data bytes) and NNNN.eml (the data as received, CRLF line ends, dot
# stuffing removed). The .eml file appears last and complete (written, then renamed),
# so its presence means the message has been accepted with 250.
#
# pipe(8) refuses to run a filter as root, as postfix, or with the postdrop group: the
# filter runs as the system user "postseal", created here when missing (useradd
# --system; it is left in place, like any package's system user). postfix_keydir gives
# a directory that user owns, for keys (0600) and the filter's log.
#
# Cleanup: postfix_start registers `postfix stop` (then the master PID, by PID, if it
# is still alive) with common.sh's at_cleanup; the capture server is a tracked PID.

PF_ROOT=""        # $T/postfix
PF_ETC=""         # $PF_ROOT/etc, bind-mounted over /etc/postfix
PF_SPOOL=""       # queue_directory
PF_LOG=""         # maillog_file
PF_MOUNTED=0
PF_STARTED=0
CAPTURE_DIR=""
CAPTURE_PORT=""
CAPTURE_PID=""
POSTSEAL_USER=postseal

# postfix_isolate "$0" "$@": re-execute the calling script in a new mount + network
# namespace (once; POSTSEAL_ISOLATED=1 marks the inner run). Must be called before
# common.sh is sourced, so the temp directory and traps belong to the inner run. If
# namespaces are not available the script continues and postfix_init bails out.
postfix_isolate() {
  [ "${POSTSEAL_ISOLATED:-0}" = 1 ] && return 0
  if unshare --mount --net -- true 2>/dev/null; then
    POSTSEAL_ISOLATED=1 exec unshare --mount --net -- "$@"
  fi
  POSTSEAL_ISOLATED=failed
  export POSTSEAL_ISOLATED
}

# postfix_init: inside the namespaces (after common.sh): loopback up, prerequisites,
# the postseal user, the instance's directories. Bails out on any problem.
postfix_init() {
  [ "${POSTSEAL_ISOLATED:-0}" = 1 ] ||
    bail_out "not in a private mount+network namespace (unshare --mount --net failed; need root)"
  [ "$(id -u)" = 0 ] || bail_out "system tests with Postfix must run as root"
  require_cmd postfix postconf postqueue postsuper sendmail ip useradd "$PYTHON"
  ip link set lo up || bail_out "cannot bring up loopback in the network namespace"
  id postfix >/dev/null 2>&1 || bail_out "no postfix user (is Postfix installed?)"
  getent group postdrop >/dev/null || bail_out "no postdrop group (is Postfix installed?)"
  if ! id "$POSTSEAL_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "postseal filter" "$POSTSEAL_USER" ||
      bail_out "cannot create the system user $POSTSEAL_USER"
    diag "created system user $POSTSEAL_USER"
  fi
  if id -nG "$POSTSEAL_USER" | tr ' ' '\n' | grep -qx postdrop; then
    bail_out "user $POSTSEAL_USER is in group postdrop; pipe(8) will refuse it"
  fi
  PF_ROOT="$T/postfix"
  PF_ETC="$PF_ROOT/etc"
  PF_SPOOL="$PF_ROOT/spool"
  PF_LOG="$PF_ROOT/maillog"
  mkdir -p "$PF_ETC" "$PF_SPOOL" "$PF_ROOT/data" || bail_out "mkdir $PF_ROOT"
  chmod 755 "$PF_ROOT" "$PF_ETC" "$PF_SPOOL"
  chown postfix: "$PF_ROOT/data"
  # The meta files (postfix-files, postfix-script, dynamicmaps.cf, ...) from the
  # package, for `postfix start` and `postfix check`; main.cf and master.cf are ours.
  cp -a /etc/postfix/. "$PF_ETC/" || bail_out "cannot copy /etc/postfix"
  rm -f "$PF_ETC/main.cf" "$PF_ETC/master.cf"
  : > "$PF_LOG"
}

# postfix_keydir: print (and create) $T/postseal, owned by the postseal user, mode 0700.
postfix_keydir() {
  local d="$T/postseal"
  { mkdir -p "$d" && chown "$POSTSEAL_USER": "$d" && chmod 700 "$d"; } || bail_out "cannot create $d"
  printf '%s\n' "$d"
}

# capture_start: the capture server on 127.0.0.1 at a free port; sets CAPTURE_DIR,
# CAPTURE_PORT and CAPTURE_PID, waits until it answers.
capture_start() {
  CAPTURE_DIR="$T/capture"
  mkdir -p "$CAPTURE_DIR"
  cat > "$T/capture-server.py" <<'EOF'
import os, socket, socketserver, sys, threading

outdir, port = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
counter = [0]

class Handler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reply("220 capture ESMTP")
        sender, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-capture\r\n250-8BITMIME\r\n250-SIZE 100000000\r\n")
                self.reply("250 PIPELINING")
            elif verb == "MAIL":
                sender, rcpts = cmd[10:].split(" ")[0], []
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                rcpts.append(cmd[8:].split(" ")[0])
                self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                if sender is None or not rcpts:
                    self.reply("503 5.5.1 need MAIL and RCPT")
                    continue
                self.reply("354 go ahead")
                data = bytearray()
                while True:
                    l = self.rfile.readline()
                    if not l:
                        return
                    if l == b".\r\n":
                        break
                    if l.startswith(b"."):
                        l = l[1:]
                    data += l
                with lock:
                    counter[0] += 1
                    name = "%04d-%d" % (counter[0], os.getpid())
                base = os.path.join(outdir, name)
                with open(base + ".env", "w") as f:
                    f.write("MAIL FROM:%s\n" % sender)
                    for r in rcpts:
                        f.write("RCPT TO:%s\n" % r)
                    f.write("BYTES %d\n" % len(data))
                with open(base + ".tmp", "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.rename(base + ".tmp", base + ".eml")
                sender, rcpts = None, []
                self.reply("250 2.0.0 ok %s" % name)
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 2.0.0 ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")

class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

srv = Server(("127.0.0.1", port), Handler)
print("ready", flush=True)
srv.serve_forever()
EOF
  local attempt
  for attempt in 1 2 3 4 5; do
    CAPTURE_PORT=$(free_port)
    bg_run "$PYTHON" "$T/capture-server.py" "$CAPTURE_DIR" "$CAPTURE_PORT" \
      > "$T/capture.out" 2>&1
    CAPTURE_PID=$BG_PID
    if wait_for 10 grep -qx ready "$T/capture.out"; then return 0; fi
    diag "capture server did not start on port $CAPTURE_PORT (attempt $attempt)"
    diag_file "$T/capture.out" 10
    stop_pid "$CAPTURE_PID"; untrack_pid "$CAPTURE_PID"
  done
  bail_out "capture server would not start"
}

# capture_count: how many complete messages the capture server holds.
capture_count() {
  find "$CAPTURE_DIR" -maxdepth 1 -name '*.eml' | wc -l
}

# capture_wait N SECONDS: wait until at least N messages arrived; 1 on timeout.
capture_wait() {
  local n=$1 limit=$2 i=0
  while [ "$(capture_count)" -lt "$n" ]; do
    i=$((i + 1))
    [ "$i" -ge $((limit * 10)) ] && return 1
    sleep 0.1
  done
  return 0
}

# capture_find STRING: print the .eml files (sorted) whose content contains STRING.
capture_find() {
  grep -lF -- "$1" "$CAPTURE_DIR"/*.eml 2>/dev/null | sort
}

# _postfix_main_cf: the instance's main.cf (before any example snippet).
_postfix_main_cf() {
  cat <<EOF
# Generated by tests/system/lib/postfix.sh for a throwaway test instance.
compatibility_level = 3.6
queue_directory = $PF_SPOOL
data_directory = $PF_ROOT/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.com
mydomain = example.com
myorigin = \$mydomain
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$CAPTURE_PORT
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtputf8_enable = no
biff = no
delay_warning_time = 0
maillog_file = $PF_LOG
maillog_file_prefixes = $PF_ROOT
message_size_limit = 20480000
EOF
}

# _postfix_master_cf: the base master.cf: every service except "smtp inet", no chroot.
_postfix_master_cf() {
  cat <<'EOF'
# Generated by tests/system/lib/postfix.sh: Postfix's services without chroot, plus
# postlog (maillog_file). The example snippet follows verbatim.
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# postfix_use_example NAME [SED-EXPR...]: write main.cf and master.cf: the generated
# base followed by postfix-examples/NAME.main.cf and NAME.master.cf, byte for byte
# except for the sed expressions given (the documented path substitutions only).
postfix_use_example() {
  local name=$1 ex="$top_srcdir/postfix-examples" f e; shift
  local sedargs=()
  for e in "$@"; do sedargs+=(-e "$e"); done
  for f in main master; do
    [ -r "$ex/$name.$f.cf" ] || bail_out "missing $ex/$name.$f.cf"
  done
  {
    _postfix_main_cf
    echo
    echo "# ---- postfix-examples/$name.main.cf"
    if [ "${#sedargs[@]}" -gt 0 ]; then sed "${sedargs[@]}" "$ex/$name.main.cf"; else cat "$ex/$name.main.cf"; fi
  } > "$PF_ETC/main.cf"
  {
    _postfix_master_cf
    echo
    echo "# ---- postfix-examples/$name.master.cf"
    if [ "${#sedargs[@]}" -gt 0 ]; then sed "${sedargs[@]}" "$ex/$name.master.cf"; else cat "$ex/$name.master.cf"; fi
  } > "$PF_ETC/master.cf"
}

# postfix_add_example NAME [SED-EXPR...]: append postfix-examples/NAME.main.cf and
# NAME.master.cf to the instance's files written by postfix_use_example, the same way
# (byte for byte except for the sed expressions), for a test that combines two modes.
postfix_add_example() {
  local name=$1 ex="$top_srcdir/postfix-examples" f e; shift
  local sedargs=(-e '')
  for e in "$@"; do sedargs+=(-e "$e"); done
  for f in main master; do
    [ -r "$ex/$name.$f.cf" ] || bail_out "missing $ex/$name.$f.cf"
    { echo; echo "# ---- postfix-examples/$name.$f.cf"; sed "${sedargs[@]}" "$ex/$name.$f.cf"; } \
      >> "$PF_ETC/$f.cf"
  done
}

# postfix_start: bind-mount the instance over /etc/postfix, check and start it; wait
# until smtpd answers on 127.0.0.1:25. Registers the cleanup.
postfix_start() {
  if [ "$PF_MOUNTED" = 0 ]; then
    mount --bind "$PF_ETC" /etc/postfix || bail_out "cannot bind-mount $PF_ETC on /etc/postfix"
    PF_MOUNTED=1
    at_cleanup '_postfix_cleanup'
  fi
  postfix check > "$PF_ROOT/check.out" 2>&1 ||
    { diag_file "$PF_ROOT/check.out"; bail_out "postfix check failed"; }
  postfix start > "$PF_ROOT/start.out" 2>&1 ||
    { diag_file "$PF_ROOT/start.out"; diag_file "$PF_LOG"; bail_out "postfix start failed"; }
  PF_STARTED=1
  wait_for 20 _smtpd_answers ||
    { diag_file "$PF_LOG"; bail_out "Postfix smtpd does not answer on 127.0.0.1:25"; }
}

_smtpd_answers() {
  "$PYTHON" -c '
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", 25, timeout=5); s.quit()' 2>/dev/null
}

# postfix_master_pid: the master's PID from its pid file (empty when none).
postfix_master_pid() {
  local p
  p=$(tr -d ' \n' < "$PF_SPOOL/pid/master.pid" 2>/dev/null) || return 0
  printf '%s\n' "$p"
}

# postfix_stop: stop the instance (postfix stop, then the master by PID if needed).
postfix_stop() {
  [ "$PF_STARTED" = 1 ] || return 0
  local pid
  pid=$(postfix_master_pid)
  postfix stop > /dev/null 2>&1
  if [ -n "$pid" ]; then stop_pid "$pid" 10; fi
  PF_STARTED=0
}

_postfix_cleanup() {
  postfix_stop
  if [ "$PF_MOUNTED" = 1 ]; then umount /etc/postfix 2>/dev/null; PF_MOUNTED=0; fi
  if [ "${POSTSEAL_KEEP_TMP:-0}" = 1 ] && [ -n "$PF_LOG" ]; then diag "Postfix log: $PF_LOG"; fi
}

# postfix_queue_ids: the queue IDs of all queued messages (any queue), one per line.
postfix_queue_ids() {
  postqueue -j 2>/dev/null | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.loads(line)["queue_id"])'
}

# postfix_queue_count: how many messages are in the queue.
postfix_queue_count() { postfix_queue_ids | wc -l; }

# postfix_queue_wait N SECONDS: wait until exactly N messages are queued; 1 on timeout.
postfix_queue_wait() {
  local n=$1 limit=$2 i=0
  while [ "$(postfix_queue_count)" != "$n" ]; do
    i=$((i + 1))
    [ "$i" -ge $((limit * 10)) ] && return 1
    sleep 0.1
  done
  return 0
}

# postfix_deferred_wait MSGID SECONDS: wait until a message whose Message-ID contains
# MSGID sits in the deferred queue; print its queue ID. 1 on timeout.
postfix_deferred_wait() {
  local want=$1 limit=$2 i=0 id
  while :; do
    for id in $(postqueue -j 2>/dev/null | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        j = json.loads(line)
        if j.get("queue_name") == "deferred":
            print(j["queue_id"])'); do
      if postcat -hq "$id" 2>/dev/null | grep -qiF "$want"; then
        printf '%s\n' "$id"; return 0
      fi
    done
    i=$((i + 1))
    [ "$i" -ge $((limit * 4)) ] && return 1
    sleep 0.25
  done
}

# smtp_send FROM RCPT... < MESSAGE: submit MESSAGE (LF or CRLF line ends; sent as
# CRLF) over SMTP to 127.0.0.1:25 (or port $SMTP_PORT, from address $SMTP_SOURCE). Prints
# the server's final reply; exit 0 on 250, 1 otherwise.
smtp_send() {
  "$PYTHON" -c '
import os, smtplib, sys
sender, rcpts = sys.argv[1], sys.argv[2:]
# smtplib does not convert bare LF in bytes; do it here (a bare LF before its own
# final CRLF would otherwise end the message with an extra blank line).
msg = sys.stdin.buffer.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
try:
    src = os.environ.get("SMTP_SOURCE")
    s = smtplib.SMTP("127.0.0.1", int(os.environ.get("SMTP_PORT", "25")), timeout=60,
                     source_address=(src, 0) if src else None)
    s.ehlo("client.example.com")
    refused = s.sendmail(sender, rcpts, msg)
    code, text = s.noop()
    s.quit()
except smtplib.SMTPException as e:
    print("smtp_send: %s" % e)
    sys.exit(1)
if refused:
    print("smtp_send: refused %r" % refused)
    sys.exit(1)
print("250 queued")' "$@"
}
