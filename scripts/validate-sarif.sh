#!/usr/bin/env bash
# Validates SARIF files with Microsoft's SARIF multitool, with the SARIF spec rules and the GitHub
# code scanning ingestion rules (--rule-kind "Sarif;Gh").
#
# Usage: scripts/validate-sarif.sh FILE.sarif [FILE.sarif ...]
#
# The multitool exits 0 even when it reports errors (DECISIONS 18), so this script reads the log
# it writes and fails when any result has level "error". Warnings are printed, notes are counted
# per rule; neither is fatal.
#
# Second trap: when the multitool cannot deserialize a log into its object model (for example a
# "startTimeUtc" that is not a date-time) it runs none of its rules and reports nothing, still with
# exit code 0. Notes are requested too (--level Error;Warning;Note) because every real log draws some
# (SARIF2003 at least), so a log that draws no result at all means the rules did not run: that fails.
# The tool is installed with npm into .tools/ at the repository root (gitignored) on first use;
# set SARIF_MULTITOOL_VERSION to pin another version.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 FILE.sarif [FILE.sarif ...]" >&2
  exit 2
fi

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools"
version="${SARIF_MULTITOOL_VERSION:-5.7.0}"
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

# Tests validate in parallel; on a clean clone the first one installs. Without the lock a second
# process can exec the binary while npm is still writing it ("Text file busy").
mkdir -p "$tools"
exec 9>"$tools/.install.lock"
flock 9
if [[ ! -x "$multitool" ]]; then
  command -v npm >/dev/null || { echo "npm is required to install @microsoft/sarif-multitool (apt-get install nodejs npm)" >&2; exit 2; }
  echo "installing @microsoft/sarif-multitool@$version into $tools" >&2
  [[ -f "$tools/package.json" ]] || echo '{"private": true}' > "$tools/package.json"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$version" >&2
  chmod +x "$multitool"
fi
flock -u 9
exec 9>&-
[[ -x "$multitool" ]] || { echo "multitool binary not found at $multitool" >&2; exit 2; }

# The multitool is a self-contained .NET app; without ICU on the machine it needs invariant mode.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}"

out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT

failed=0
n=0
for file in "$@"; do
  n=$((n + 1))
  if [[ ! -f "$file" ]]; then
    echo "$file: no such file" >&2
    failed=1
    continue
  fi

  out="$out_dir/$n.sarif"
  if ! "$multitool" validate "$file" --rule-kind "Sarif;Gh" --level "Error;Warning;Note" --log ForceOverwrite -o "$out" >"$out_dir/$n.log" 2>&1; then
    cat "$out_dir/$n.log" >&2
  fi
  if [[ ! -s "$out" ]]; then
    echo "$file: the multitool wrote no output log" >&2
    cat "$out_dir/$n.log" >&2
    failed=1
    continue
  fi

  # Print errors and warnings as "file:line: level rule: message", count notes per rule, fail on any
  # error or on no result at all. Messages in the validator's log use message templates
  # (rule.messageStrings + arguments); render them the way the multitool does.
  if ! python3 - "$file" "$out" <<'PY'
import json, sys

target, log_path = sys.argv[1], sys.argv[2]
with open(log_path, encoding="utf-8-sig") as f:
    log = json.load(f)

counts = {}
notes = {}
for run in log.get("runs") or []:
    rules = (run.get("tool") or {}).get("driver", {}).get("rules") or []
    by_id = {r.get("id"): r for r in rules}
    for notification in ((run.get("invocations") or [{}])[0].get("toolExecutionNotifications") or []):
        level = notification.get("level", "warning")
        counts[level] = counts.get(level, 0) + 1
        print(f"{target}: {level} (tool) {notification.get('message', {}).get('text', '')}")
    for result in run.get("results") or []:
        level = result.get("level", "warning")
        counts[level] = counts.get(level, 0) + 1
        rule_id = result.get("ruleId", "?")
        message = result.get("message") or {}
        text = message.get("text")
        if text is None:
            rule = by_id.get(rule_id) or {}
            template = (rule.get("messageStrings") or {}).get(message.get("id", ""), {}).get("text", message.get("id", ""))
            text = template
            for i, arg in enumerate(message.get("arguments") or []):
                text = text.replace("{" + str(i) + "}", str(arg))
            text = text.replace("{{", "{").replace("}}", "}")
        if level == "note":
            notes[rule_id] = notes.get(rule_id, 0) + 1
            continue
        where = ""
        for loc in result.get("locations") or []:
            region = (loc.get("physicalLocation") or {}).get("region") or {}
            if "startLine" in region:
                where = f":{region['startLine']}"
        print(f"{target}{where}: {level} {rule_id}: {text}")

summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no results"
print(f"{target}: {summary}" + (" (notes: " + ", ".join(f"{k} x{v}" for k, v in sorted(notes.items())) + ")" if notes else ""))
if not counts:
    print(f"{target}: error: the multitool reported nothing, not even notes: it could not read the log "
          "into its object model (e.g. an invalid date-time) and ran none of its rules", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if counts.get("error", 0) else 0)
PY
  then
    failed=1
  fi
done

exit "$failed"
