#!/usr/bin/env bash
# Generate a crate from every spec of the corpus in tests/corpus (the 40 Power Platform
# connectors, the repairable quirks), GitHub's REST spec and the generator fixtures of
# tests/fixtures (3.1 webhooks, 3.0 callbacks, hostile names, unions and typed errors, a spec with
# no operations), then `cargo check` and `cargo clippy` each one with
# warnings denied. Prints `N/M compile` at the end; exits non-zero unless all compile.
#
#   scripts/compile-corpus.sh            # everything
#   scripts/compile-corpus.sh shopranos  # only specs whose path contains a word
#
# Generated crates go to target/corpus-crates/ (one workspace, members = every crate, the
# workspace's Cargo.lock copied in so dependency versions match); builds share
# target/gen-check so dependencies build once.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# CORPUS_DIR points elsewhere (same layout: power-platform/, quirks/, github/).
corpus="${CORPUS_DIR:-$root/tests/corpus}"
out="$root/target/corpus-crates"
filter="${1:-}"

if [ ! -d "$corpus/power-platform" ]; then
    echo "no corpus at $corpus" >&2
    exit 1
fi

# A debug build is enough: generation takes seconds even for GitHub's spec.
(cd "$root" && cargo build -q -p connector-gen) || exit 1
gen="$root/target/debug/connector-gen"

specs=()
for spec in "$corpus"/power-platform/*/apiDefinition.swagger.json \
            "$corpus"/quirks/*/apiDefinition.swagger.json \
            "$corpus"/github/api.github.com.json \
            "$root"/tests/fixtures/*.openapi3*.* \
            "$root"/tests/fixtures/hostile-names.swagger.json \
            "$root"/tests/fixtures/unions-errors.openapi.json \
            "$root"/tests/fixtures/webhooks-only.openapi.json; do
    [ -f "$spec" ] || continue
    case "$spec" in *"$filter"*) specs+=("$spec") ;; esac
done

rm -rf "$out"
mkdir -p "$out"
members=()
names=()
failed=()
skipped=0
for spec in "${specs[@]}"; do
    case "$spec" in
        */github/api.github.com.json) name="github-rest" ;;
        "$root"/tests/fixtures/*) name="$(basename "$spec")"; name="${name%%.*}" ;;
        *) name="$(basename "$(dirname "$spec")")" ;;
    esac
    name="gen-$name"
    if "$gen" generate "$spec" -o "$out/$name" --name "$name" --client-path "$root/crates/connector-client" \
            >"$out/$name.generate.log" 2>&1; then
        members+=("\"$name\"")
        names+=("$name")
    elif grep -q "broken" <<<"$spec"; then
        echo "skip  $name (deliberately broken spec: $(tail -n 1 "$out/$name.generate.log"))"
        skipped=$((skipped + 1))
    else
        echo "FAIL  $name: generation failed, see $out/$name.generate.log"
        failed+=("$name")
    fi
done

{
    echo "[workspace]"
    echo "resolver = \"2\""
    echo "members = [$(IFS=,; echo "${members[*]}")]"
} >"$out/Cargo.toml"
cp "$root/Cargo.lock" "$out/Cargo.lock"

export CARGO_TARGET_DIR="$root/target/gen-check"
export RUSTFLAGS="-D warnings"
# Checked, not debugged: as the tests' generated-crate builds (tests/support/mod.rs).
export CARGO_PROFILE_DEV_DEBUG=false CARGO_INCREMENTAL=0
passed=0
for name in "${names[@]}"; do
    if (cd "$out" && cargo check -q -p "$name" >"$out/$name.check.log" 2>&1 \
            && cargo clippy -q -p "$name" >"$out/$name.clippy.log" 2>&1); then
        echo "ok    $name"
        passed=$((passed + 1))
    else
        echo "FAIL  $name: see $out/$name.check.log / $name.clippy.log"
        failed+=("$name")
    fi
done
total=$(( ${#specs[@]} - skipped ))
echo "$passed/$total compile"
[ "$passed" -eq "$total" ]
