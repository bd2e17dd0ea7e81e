#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# intercom webhooks verify|listen and intercom identity, checked against values computed here
# with Python's hmac/hashlib/base64 (independently of libcrypto) and a curl client posting to the
# listener on 127.0.0.1. (intercom oauth runs in tests/test_oauth.c against the scripted server.)
# Usage: test_cli_extras.sh <intercom binary> <fixtures dir>
set -uo pipefail
CLI=$1
FIX=$2
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
command -v curl >/dev/null || { echo "curl missing: skipped"; exit 77; }
T=$(mktemp -d)
LPID=
cleanup() { [ -n "$LPID" ] && kill "$LPID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fails=0 checks=0
check() { # check "description" command...
  checks=$((checks + 1))
  local d=$1; shift
  if "$@"; then :; else echo "FAIL: $d"; fails=$((fails + 1)); fi
}
sig() { python3 -c 'import hmac,hashlib,sys; print("sha1=" + hmac.new(sys.argv[1].encode(), open(sys.argv[2],"rb").read(), hashlib.sha1).hexdigest())' "$1" "$2"; }

export INTERCOM_CLIENT_SECRET="whsec client secret"
unset INTERCOM_LOG

# ---------- webhooks verify ----------
declare -A MODEL=([conversation.user.created]=conversation [contact.user.created]=contact
  [contact.lead.created]=contact [user.created]=contact [ticket.created]=ticket [company.created]=company
  [admin.away_mode_updated]=admin [visitor.signed_up]=visitor [event.created]=data_event
  [contact.user.tag.created]=null [ping]=null [unknown-topic]=null)
for name in "${!MODEL[@]}"; do
  f=$FIX/$name.json
  s=$(sig "$INTERCOM_CLIENT_SECRET" "$f")
  "$CLI" webhooks verify --signature "$s" "$f" >"$T/out" 2>"$T/err"; st=$?
  check "verify $name: exit $st $(cat "$T/err")" test "$st" = 0
  check "verify $name: one JSON line, same body, item_model ${MODEL[$name]}" python3 - "$T/out" "$f" "${MODEL[$name]}" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
got, want = json.loads(lines[0]), json.load(open(sys.argv[2]))
model = got.pop("item_model")
assert model == (None if sys.argv[3] == "null" else sys.argv[3]), model
assert got == want
PY
done
f=$FIX/ticket.created.json
s=$(sig "$INTERCOM_CLIENT_SECRET" "$f")
"$CLI" webhooks verify --signature="$s" - <"$f" >"$T/out" 2>&1
check "verify from stdin" test $? = 0
upper="sha1=$(echo "${s#sha1=}" | tr a-f A-F)"
"$CLI" webhooks verify --signature "$upper" "$f" >/dev/null 2>&1
check "verify: upper-case hex accepted" test $? = 0
"$CLI" webhooks verify --signature "$(sig wrong-secret "$f")" "$f" >"$T/out" 2>"$T/err"; st=$?
check "verify wrong secret: exit 19 (got $st)" test "$st" = 19
check "verify wrong secret: nothing on stdout" test ! -s "$T/out"
check "verify wrong secret: message" grep -q "does not match" "$T/err"
sed 's/"Refund"/"Refunds"/' "$f" >"$T/tampered.json"
"$CLI" webhooks verify --signature "$s" "$T/tampered.json" >/dev/null 2>&1; st=$?
check "verify tampered body: exit 19 (got $st)" test "$st" = 19
"$CLI" webhooks verify "$f" >/dev/null 2>"$T/err"; st=$?
check "verify without --signature: exit 19 (got $st)" test "$st" = 19
check "verify without --signature: says missing" grep -q missing "$T/err"
"$CLI" webhooks verify --signature "sha1=abc" "$f" >/dev/null 2>"$T/err"; st=$?
check "verify malformed: exit 19 (got $st)" test "$st" = 19
check "verify malformed: says malformed" grep -q malformed "$T/err"
printf '[1,2,3]' >"$T/array.json"
"$CLI" webhooks verify --signature "$(sig "$INTERCOM_CLIENT_SECRET" "$T/array.json")" "$T/array.json" >/dev/null 2>&1; st=$?
check "verify signed non-notification: exit 18 (got $st)" test "$st" = 18
printf '{"topic":"ping","x":"a\0b"}' >"$T/nul.json"
"$CLI" webhooks verify --signature "$(sig "$INTERCOM_CLIENT_SECRET" "$T/nul.json")" "$T/nul.json" >/dev/null 2>&1; st=$?
check "verify body with a NUL: signature ok, then not JSON: exit 18 (got $st)" test "$st" = 18
INTERCOM_CLIENT_SECRET= "$CLI" webhooks verify --signature "$s" "$f" >/dev/null 2>"$T/err"; st=$?
check "verify without the secret variable: exit 2 (got $st)" test "$st" = 2
check "verify without the secret variable: names it" grep -q INTERCOM_CLIENT_SECRET "$T/err"
"$CLI" webhooks verify --signature "$s" "$T/no-such-file" >/dev/null 2>&1
check "verify missing file: exit 2" test $? = 2
"$CLI" webhooks frobnicate >/dev/null 2>&1
check "unknown webhooks command: exit 2" test $? = 2
"$CLI" webhooks verfy >/dev/null 2>"$T/err"; st=$?
check "mistyped webhooks command: exit 2 (got $st)" test "$st" = 2
check "mistyped webhooks command: a suggestion" grep -q 'did you mean "webhooks verify"?' "$T/err"
"$CLI" identity user-hash --user-i x >/dev/null 2>"$T/err"; st=$?
check "mistyped identity flag: exit 2 (got $st)" test "$st" = 2
check "mistyped identity flag: a suggestion" grep -q 'unknown flag --user-i; did you mean "--user-id"?' "$T/err"
"$CLI" identity user-hash --claims '{}' >/dev/null 2>"$T/err"; st=$?
check "another subcommand's flag: exit 2 (got $st)" test "$st" = 2
check "another subcommand's flag: the flags it takes" grep -q 'unknown flag --claims; user-hash takes --user-id, --email$' "$T/err"
"$CLI" oauth exchange --clientid x >/dev/null 2>"$T/err"
check "mistyped oauth flag: a suggestion" grep -q 'did you mean "--client-id"?' "$T/err"
"$CLI" webhooks --help | grep -q "webhooks listen --port"
check "webhooks --help" test $? = 0

# ---------- identity ----------
export INTERCOM_IDENTITY_SECRET="id-verification secret ☃"
py_hash() { python3 -c 'import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())' "$INTERCOM_IDENTITY_SECRET" "$1"; }
for id in u-42 "7" "ünïcode-id"; do
  got=$("$CLI" identity user-hash --user-id "$id")
  check "user-hash --user-id $id = python hmac ($got)" test "$got" = "$(py_hash "$id")"
done
got=$("$CLI" identity user-hash --email joe@example.com)
check "user-hash --email = python hmac" test "$got" = "$(py_hash joe@example.com)"
"$CLI" identity user-hash --user-id a --email b >/dev/null 2>&1
check "user-hash with both: exit 2" test $? = 2
INTERCOM_IDENTITY_SECRET= "$CLI" identity user-hash --user-id a >/dev/null 2>&1
check "user-hash without the secret: exit 2" test $? = 2
now=$(date +%s)
"$CLI" identity jwt --user-id u-42 --email joe@example.com --expires-in 120 \
  --claims '{"name":"Jöe","company":{"id":"acme"}}' >"$T/jwt" 2>"$T/err"
check "jwt: exit 0 $(cat "$T/err")" test $? = 0
check "jwt verified in python (hmac + base64)" python3 - "$T/jwt" "$INTERCOM_IDENTITY_SECRET" "$now" <<'PY'
import base64, hashlib, hmac, json, sys
tok = open(sys.argv[1]).read().strip()
h, p, s = tok.split(".")
d = lambda x: base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
want = hmac.new(sys.argv[2].encode(), (h + "." + p).encode(), hashlib.sha256).digest()
assert hmac.compare_digest(d(s), want), "signature"
assert json.loads(d(h)) == {"alg": "HS256", "typ": "JWT"}
c = json.loads(d(p))
assert c["user_id"] == "u-42" and c["email"] == "joe@example.com", c
assert c["name"] == "Jöe" and c["company"] == {"id": "acme"}, c
now = int(sys.argv[3])
assert now - 5 <= c["iat"] <= now + 5 and c["exp"] == c["iat"] + 120, c
PY
"$CLI" identity jwt --user-id u --claims '[1]' >/dev/null 2>&1
check "jwt --claims not an object: exit 2" test $? = 2
"$CLI" identity jwt --user-id u --expires-in -5 >/dev/null 2>&1
check "jwt --expires-in negative: exit 2" test $? = 2
"$CLI" identity jwt --email a@b.c >/dev/null 2>&1
check "jwt without --user-id: exit 2" test $? = 2

# ---------- webhooks listen ----------
"$CLI" webhooks listen --port 0 >"$T/listen.out" 2>"$T/listen.err" &
LPID=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/listen.err")
  [ -n "$port" ] && break
  sleep 0.05
done
check "listen: prints its port" test -n "$port"
post() { # post FILE SIGNATURE-or-empty -> "code time"
  local h=()
  [ -n "$2" ] && h=(-H "X-Hub-Signature: $2")
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' "${h[@]}" \
    --data-binary @"$1" "http://127.0.0.1:$port/"
}
max=0
for name in conversation.user.created ticket.created unknown-topic; do
  f=$FIX/$name.json
  r=$(post "$f" "$(sig "$INTERCOM_CLIENT_SECRET" "$f")")
  check "listen: $name answered 200 (got $r)" test "${r%% *}" = 200
  max=$(python3 -c "import sys; print(max(float(sys.argv[1]), float(sys.argv[2])))" "$max" "${r#* }")
done
# a burst of 20 concurrent deliveries: every one answered 200 and printed once, as one whole line
f=$FIX/contact.user.created.json
s=$(sig "$INTERCOM_CLIENT_SECRET" "$f")
pids=()
for i in $(seq 1 20); do post "$f" "$s" >"$T/burst.$i" & pids+=($!); done
wait "${pids[@]}"
check "listen: burst of 20 all answered 200" test "$(cat "$T"/burst.* | grep -c '^200 ')" = 20
bmax=$(cat "$T"/burst.* | python3 -c "import sys; print(max(float(l.split()[1]) for l in sys.stdin if l.strip()))")
r=$(post "$FIX/ping.json" "$(sig wrong "$FIX/ping.json")")
check "listen: wrong signature answered 401 (got $r)" test "${r%% *}" = 401
r=$(post "$FIX/ping.json" "")
check "listen: missing signature answered 401 (got $r)" test "${r%% *}" = 401
r=$(post "$T/array.json" "$(sig "$INTERCOM_CLIENT_SECRET" "$T/array.json")")
check "listen: signed non-notification answered 400 (got $r)" test "${r%% *}" = 400
r=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
check "listen: GET answered 405 (got $r)" test "$r" = 405
kill -TERM "$LPID"
wait "$LPID"; st=$?
LPID=
check "listen: exits 0 on SIGTERM (got $st)" test "$st" = 0
check "listen: one JSON line per verified delivery, in order" python3 - "$T/listen.out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
topics = [json.loads(l)["topic"] for l in lines]
assert topics == ["conversation.user.created", "ticket.created", "widget.spun.up"] + ["contact.user.created"] * 20, topics
assert json.loads(lines[1])["item_model"] == "ticket"
assert all(json.loads(l)["item_model"] == "contact" for l in lines[3:])
PY
check "listen: rejections logged on stderr" test "$(grep -c 'rejected (401)' "$T/listen.err")" = 2
echo "listen: slowest 200 answer ${max} s one at a time, ${bmax} s in a burst of 20 concurrent (curl's time_total)"
# Intercom delivers with priority to endpoints answering within 0.5 s (IC_TEST_TIME_FACTOR scales it for slow runs)
check "listen: each sequential delivery answered within 0.5 s (slowest ${max} s)" \
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 0.5 * float(sys.argv[2]) else 1)" "$max" "${IC_TEST_TIME_FACTOR:-1}"
"$CLI" webhooks listen >/dev/null 2>&1
check "listen without --port: exit 2" test $? = 2
"$CLI" webhooks listen --port 0 --host not-an-ip >/dev/null 2>&1
check "listen --host not an address: exit 2" test $? = 2
INTERCOM_CLIENT_SECRET= "$CLI" webhooks listen --port 0 >/dev/null 2>&1
check "listen without the secret: exit 2" test $? = 2

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
