#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# benchtop-cli end to end, as a user would: real runs on the CPU, real
# SQLite files, real signals. TAP output.
set -u

cli="${BENCHTOP_CLI:?BENCHTOP_CLI must point at benchtop-cli}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unset BENCHTOP_DB
export XDG_DATA_HOME="$tmp/xdg"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local desc="$1"; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
db_sum() { sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1; sha256sum "$1" | cut -d' ' -f1; }

small=(--gemm-size 128 --bytes 1048576 --iterations 5 --warmup 1 --min-time 0.05)

# usage errors exit 2
"$cli" >/dev/null 2>&1; check "no command is a usage error (2)" test $? -eq 2
"$cli" frobnicate >/dev/null 2>&1; check "unknown command exits 2" test $? -eq 2
"$cli" run --model gemm --iterations abc >/dev/null 2>&1; check "bad option value exits 2" test $? -eq 2
"$cli" run --model gemm --batch-sizes 1,x --db "$tmp/u.db" >/dev/null 2>&1; check "bad batch list exits 2" test $? -eq 2

# unknown model / device: exit 1 with the valid names
"$cli" run --model nosuchmodel --db "$tmp/u.db" >/dev/null 2>"$tmp/err"
rc=$?
check "unknown model exits non-zero" test $rc -ne 0
check "unknown model error lists valid models" grep -q "gemm" "$tmp/err"
"$cli" run --model gemm --device opencl:99 --db "$tmp/u.db" >/dev/null 2>"$tmp/err"
check "unknown device exits 1" test $? -eq 1
check "unknown device error lists devices" grep -q "cpu" "$tmp/err"

# devices and models
"$cli" devices --json >"$tmp/devices.json"; check "devices --json exits 0" test $? -eq 0
check "devices --json lists cpu" test "$(json_get "$tmp/devices.json" "[x['id'] for x in d['devices']][0]")" = cpu
"$cli" models --json >"$tmp/models.json"; check "models --json exits 0" test $? -eq 0
check "models include gemm" grep -q '"gemm"' "$tmp/models.json"

# the default database path honours XDG_DATA_HOME, --db and BENCHTOP_DB
"$cli" run --model gemm "${small[@]}" >"$tmp/out.txt" 2>&1
check "run with the default database exits 0" test $? -eq 0
check "default database under XDG_DATA_HOME" test -f "$tmp/xdg/benchtop/benchtop.db"
BENCHTOP_DB="$tmp/env.db" "$cli" run --model peak-flops --iterations 3 --min-time 0 >/dev/null 2>&1
check "BENCHTOP_DB is used" test -f "$tmp/env.db"

# run --json prints the native format with measured figures
db="$tmp/a.db"
"$cli" run --model gemm,stream-triad --device cpu "${small[@]}" --db "$db" --json >"$tmp/run.json"
check "run --json exits 0" test $? -eq 0
check "run --json is the native format" test "$(json_get "$tmp/run.json" "d['format']")" = benchtop-result
check "gemm GFLOP/s measured" python3 -c "
import json,sys; d=json.load(open('$tmp/run.json'))
r=[x for x in d['runs'][0]['results'] if x['workload']=='gemm'][0]
assert r['gflops'] and r['gflops']>0 and len(r['samples'])>=5 and r['status']=='ok'"
check "micro-benchmark batch is null, not 0" python3 -c "
import json; d=json.load(open('$tmp/run.json'))
assert all(x['batch_size'] is None for x in d['runs'][0]['results'])"

"$cli" list --db "$db" --json >"$tmp/list.json"; check "list --json exits 0" test $? -eq 0
uuid="$(json_get "$tmp/run.json" "d['runs'][0]['uuid']")"
"$cli" show "${uuid:0:8}" --db "$db" >/dev/null; check "show by uuid prefix" test $? -eq 0
"$cli" show "nonexistent" --db "$db" >/dev/null 2>&1; check "show of an unknown run exits 1" test $? -eq 1

# compare two runs of the same configurations
"$cli" run --model gemm,stream-triad --device cpu "${small[@]}" --db "$db" --json >"$tmp/run2.json"
uuid2="$(json_get "$tmp/run2.json" "d['runs'][0]['uuid']")"
"$cli" compare "$uuid" "$uuid2" --db "$db" --json >"$tmp/compare.json"
check "compare exits 0" test $? -eq 0
check "compare matches both configurations" test "$(json_get "$tmp/compare.json" "len([c for c in d['configurations'] if c['verdict'] != 'missing'])")" = 2
"$cli" compare "$uuid" nosuchrun --db "$db" >/dev/null 2>&1
check "compare with an unknown run exits 1" test $? -eq 1
"$cli" compare "$uuid" --db "$db" >/dev/null 2>&1
check "compare with one run is a usage error" test $? -eq 2
"$cli" delete "$uuid2" --db "$db" >/dev/null

# export -> import into an empty database -> export again: identical
"$cli" export --db "$db" -o "$tmp/export.json" >/dev/null; check "export exits 0" test $? -eq 0
"$cli" import "$tmp/export.json" --db "$tmp/b.db" >/dev/null; check "import exits 0" test $? -eq 0
"$cli" export --db "$tmp/b.db" -o "$tmp/export2.json" >/dev/null
check "export/import round trip is identical" python3 -c "
import json
a=json.load(open('$tmp/export.json')); b=json.load(open('$tmp/export2.json'))
for r in a['runs']+b['runs']:
    r.pop('source',None); r.pop('source_format',None); r.pop('source_file',None)
assert a['runs']==b['runs'], 'runs differ'"
before="$(db_sum "$tmp/b.db")"
"$cli" import "$tmp/export.json" --db "$tmp/b.db" >"$tmp/imp.txt" 2>&1
check "re-import exits 0" test $? -eq 0
check "re-import skips the duplicate" test "$(sqlite3 "$tmp/b.db" 'select count(*) from runs')" = 1

# malformed files: exit 1, one error naming the file, database unchanged
printf '{"format": "benchtop-result", "version": 1, "runs": [' >"$tmp/truncated.json"
printf '{"format": "benchtop-result", "version": 99, "runs": []}' >"$tmp/future.json"
printf 'this is not json' >"$tmp/garbage.json"
python3 -c "
import json; d=json.load(open('$tmp/export.json'))
d['runs'][0]['uuid']='00000000-0000-4000-8000-000000000001'
d['runs'][0]['results'][0]['batch_size']='eight'
json.dump(d, open('$tmp/wrongtype.json','w'))"
for f in truncated future garbage wrongtype; do
  before="$(db_sum "$tmp/b.db")"
  "$cli" import "$tmp/$f.json" --db "$tmp/b.db" >/dev/null 2>"$tmp/err"
  rc=$?
  check "import of $f.json exits 1" test $rc -eq 1
  check "import of $f.json names the file" grep -q "$f.json" "$tmp/err"
  check "import of $f.json leaves the database unchanged" test "$before" = "$(db_sum "$tmp/b.db")"
done
check "wrong-typed field is named" grep -q "batch_size" "$tmp/err"

# delete
"$cli" delete "$uuid" --db "$tmp/b.db" >/dev/null; check "delete exits 0" test $? -eq 0
check "delete removes the run and its rows" test "$(sqlite3 "$tmp/b.db" 'select count(*) from runs; select count(*) from samples' | tr '\n' ' ')" = "0 0 "

# characterize: the ceilings are measured, stored and shown by devices
db="$tmp/char.db"
"$cli" characterize --device cpu --min-time 0.05 --bytes 1048576 --db "$db" --json >"$tmp/char.json"
check "characterize exits 0" test $? -eq 0
"$cli" devices --json --db "$db" >"$tmp/devices2.json"
check "devices shows the measured peak" python3 -c "
import json; d=[x for x in json.load(open('$tmp/devices2.json'))['devices'] if x['id']=='cpu'][0]
assert d['peak_gflops'] > 0 and d['bandwidth_gbs'] > 0, d
assert float(d['properties']['dispatch_latency_us']) > 0, d"
check "without characterisation the peak is null" python3 -c "
import json; d=[x for x in json.load(open('$tmp/devices.json'))['devices'] if x['id']=='cpu'][0]
assert d['peak_gflops'] is None, d"

# SIGINT: the run stops, is marked cancelled and keeps what was measured
db="$tmp/int.db"
"$cli" run --model gemm --gemm-size 256 --iterations 100000 --min-time 120 --db "$db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do sleep 0.2; [ -f "$db" ] && break; done
sleep 1.5
kill -INT $pid
wait $pid
check "SIGINT run exits 1" test $? -eq 1
check "SIGINT run is marked cancelled" test "$(sqlite3 "$db" 'select status from runs')" = cancelled
check "SIGINT run kept its samples" test "$(sqlite3 "$db" 'select count(*) > 0 from samples')" = 1
check "SIGINT database integrity" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok

# SIGKILL: finished configurations survive, the run becomes interrupted
db="$tmp/kill.db"
"$cli" run --model peak-flops,gemm --gemm-size 256 --iterations 100000 --min-time 120 --max-time 1.5 --db "$db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do sleep 0.2; [ -f "$db" ] && break; done
# peak-flops finishes after --max-time; gemm is then killed part-way.
for _ in $(seq 100); do sleep 0.1; [ "$(sqlite3 "$db" 'select count(*) from results' 2>/dev/null)" = 1 ] && break; done
sleep 0.5
kill -KILL $pid
wait $pid 2>/dev/null
check "SIGKILL database integrity" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok
"$cli" list --db "$db" >"$tmp/list.txt" 2>&1
check "list after SIGKILL exits 0" test $? -eq 0
check "killed run is marked interrupted" test "$(sqlite3 "$db" 'select status from runs')" = interrupted
check "the finished configuration survived" test "$(sqlite3 "$db" 'select count(*) from results')" = 1
check "no half-written configuration" test "$(sqlite3 "$db" 'select count(*) from results r where (select count(*) from samples s where s.result_id = r.id) != coalesce(r.iterations, 0)')" = 0

echo "1..$n"
[ $failed -eq 0 ]
