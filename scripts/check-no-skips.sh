#!/usr/bin/env bash
# Fails when any test of the last `mvn verify` was skipped (a failed assumption, @Disabled, a condition) or when
# no test ran at all: under CI a skipped parity, media, browser or Python test is a failure, not a pass.
# Reads the Surefire/Failsafe XML reports under every module's target/.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
reports=(mgsv-*/target/surefire-reports/TEST-*.xml mgsv-*/target/failsafe-reports/TEST-*.xml)
if [ ${#reports[@]} -eq 0 ]; then
  echo "check-no-skips: no test reports under mgsv-*/target/*-reports (did the tests run?)" >&2
  exit 1
fi
skipped=$(grep -l '<skipped' "${reports[@]}" || true)
if [ -n "$skipped" ]; then
  echo "check-no-skips: tests were skipped; under CI every test must run:" >&2
  for f in $skipped; do
    # class.test of each skipped testcase, with the start of its reason
    awk '/<testcase /{ match($0, /name="[^"]*"/); n = substr($0, RSTART + 6, RLENGTH - 7);
                       match($0, /classname="[^"]*"/); c = substr($0, RSTART + 11, RLENGTH - 12) }
         /<skipped/  { r = $0; sub(/.*<skipped[^>]*>/, "", r); sub(/^<!\[CDATA\[/, "", r);
                       if (r == "" && match($0, /message="[^"]*"/)) r = substr($0, RSTART + 9, RLENGTH - 10);
                       print "  " c "." n ": " substr(r, 1, 200) }' "$f" >&2
  done
  exit 1
fi
echo "check-no-skips: ${#reports[@]} test classes, none skipped"
