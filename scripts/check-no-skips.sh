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
    # testcase name + class + the skip message, one line each
    grep -o '<testcase name="[^"]*" classname="[^"]*"[^>]*>[[:space:]]*<skipped[^>]*' "$f" \
      | sed -E 's/<testcase name="([^"]*)" classname="([^"]*)".*<skipped( message="([^"]*)")?.*/  \2.\1: \4/' >&2 || true
    echo "  (report: $f)" >&2
  done
  exit 1
fi
echo "check-no-skips: ${#reports[@]} test classes, none skipped"
