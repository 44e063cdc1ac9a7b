#!/usr/bin/env bash
# Copies the JSON schemas the report tests validate against from the shared reference folder into
# tests/PostureScanner.Testing/Schemas/, byte for byte, checks them against the reference SHA256SUMS
# and rewrites PROVENANCE.md. Tests read only these copies, never ../shared (DECISIONS 3).
#
# Usage: scripts/copy-schemas.sh [REFERENCE_DIR]   (default: ../shared/reference next to the repo)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${1:-$repo/../shared/reference}"
std="$ref/standards"
dest="$repo/tests/PostureScanner.Testing/Schemas"

# file in standards/ | source (from standards/README.md) | JSON Schema dialect
files=(
  "sarif-schema-2.1.0.json|oasis-tcs/sarif-spec e0583813964ec43cea53b6b531b402866095ed1f sarif-2.1/schema/sarif-schema-2.1.0.json (SARIF v2.1.0 OASIS Standard incl. Errata 01)|draft-04"
  "oscal_assessment-results_schema.json|oscal-compass/compliance-trestle ffc17c31ee570c08a8e39d837150ce0b7c1f04aa release-schemas/oscal_assessment-results_schema.json (NIST OSCAL v1.1.3 release asset)|draft-07"
)

[[ -f "$std/SHA256SUMS" ]] || { echo "no $std/SHA256SUMS: pass the reference folder as the first argument" >&2; exit 2; }
mkdir -p "$dest"

{
  echo "# Schemas used by the report tests"
  echo
  echo "Byte copies made by \`scripts/copy-schemas.sh\` from the shared reference folder"
  echo "(\`reference/standards/\`, described in its README). Do not edit them by hand: rerun the script."
  echo "The tests read only these copies."
  echo
  echo "| file | dialect | sha256 | source (repository, commit, path) |"
  echo "|---|---|---|---|"
} > "$dest/PROVENANCE.md.tmp"

for entry in "${files[@]}"; do
  IFS='|' read -r name source dialect <<<"$entry"
  expected="$(awk -v f="./$name" '$2 == f { print $1 }' "$std/SHA256SUMS")"
  [[ -n "$expected" ]] || { echo "$name is not listed in $std/SHA256SUMS" >&2; exit 1; }
  actual="$(sha256sum "$std/$name" | cut -d' ' -f1)"
  [[ "$actual" == "$expected" ]] || { echo "$name: sha256 $actual does not match SHA256SUMS ($expected)" >&2; exit 1; }
  cp "$std/$name" "$dest/$name"
  copied="$(sha256sum "$dest/$name" | cut -d' ' -f1)"
  [[ "$copied" == "$expected" ]] || { echo "$name: copy differs from the source" >&2; exit 1; }
  echo "| \`$name\` | $dialect | \`$expected\` | $source |" >> "$dest/PROVENANCE.md.tmp"
  echo "copied $name ($expected)"
done

{
  echo
  echo "Licences: the SARIF schema is OASIS SARIF TC content under the OASIS IPR Policy (published OASIS"
  echo "Standard artefact); the OSCAL schema is NIST work, not subject to copyright in the United States,"
  echo "redistributed by compliance-trestle (Apache-2.0)."
  echo
  echo "The SARIF schema is draft-04 (\`id\`, not \`\$id\`); the tests validate with NJsonSchema, which reads"
  echo "draft-04, and a negative test proves that invalid logs are rejected."
} >> "$dest/PROVENANCE.md.tmp"
mv "$dest/PROVENANCE.md.tmp" "$dest/PROVENANCE.md"
