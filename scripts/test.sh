#!/usr/bin/env bash
# The test command (README "Run the tests"; .ci/run runs it on a fresh clone).
#
# Tests use real parts: a throwaway PostgreSQL cluster started from the system's binaries
# (initdb + pg_ctl) and Debian's headless Chromium with its driver for the admin pages.
# What is missing is installed first (Debian packages), so a fresh machine passes; a test
# whose real part still cannot start fails, it never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
    need+=(postgresql)
fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing missing test dependencies: ${need[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need[@]}"
fi

# A test run builds each crate once: incremental state would only take disk (GBs over the ~40
# test binaries). Debug info is set in Cargo.toml's [profile.dev].
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

cargo test --workspace --locked "$@"
