#!/usr/bin/env bash
# Runs every Go fuzz target in the module for FUZZTIME each (default 3s),
# one target at a time, since go test -fuzz takes a single target per
# package. A failing input is saved under the package's
# testdata/fuzz/NAME folder, where plain `go test` replays it.
#
#   FUZZTIME=10m deploy/fuzz.sh        # a longer run
#   deploy/fuzz.sh ./term/...          # the targets of some packages
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

status=0
for pkg in $(go list "${pkgs[@]}"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' || true)
  for target in $targets; do
    echo "fuzz: $pkg $target for $fuzztime"
    for try in 1 2; do
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/einkterm-fuzz.log 2>&1; then
        break
      fi
      # The fuzz coordinator of Go 1.26 can report "context deadline
      # exceeded" as -fuzztime ends, without a failing input: it checks
      # the child context's error before the deadline reaches it
      # (golang/go#75804). Such a run is tried once more. Any other
      # failure, or one that wrote an input, counts at once.
      if [ "$try" = 1 ] && grep -q 'context deadline exceeded' /tmp/einkterm-fuzz.log &&
        ! grep -q 'Failing input written\|panic:' /tmp/einkterm-fuzz.log &&
        [ "$(grep -c '^    ' /tmp/einkterm-fuzz.log)" -le 1 ]; then
        echo "fuzz: $pkg $target: deadline race of the Go fuzz coordinator, no failing input; trying again"
        continue
      fi
      cat /tmp/einkterm-fuzz.log
      echo "fuzz: $pkg $target FAILED; the input is in $dir/testdata/fuzz/$target" >&2
      status=1
      break
    done
  done
done
exit $status
