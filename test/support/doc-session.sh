# Sourced at the top of a doc-test session (test/docs.integration-spec.ts); DOC_LOG is its log folder.
# Records every curl call (status, answer, arguments, calling line) and the first failing command.
set -Eeuo pipefail
__doc_log=$DOC_LOG
echo 0 > "$__doc_log/count"

__doc_failed() {
  local rc=$1 line=$2 command=$3
  # a failing call ends in the wrapper's return: name the call instead
  [ "$command" != 'return "$rc"' ] || command="curl (exit status $rc)"
  [ -e "$__doc_log/failed" ] || printf '%s\t%s\t%s' "$rc" "$line" "$command" > "$__doc_log/failed"
}
trap '__doc_failed $? $LINENO "$BASH_COMMAND"' ERR

# the real curl with the documented arguments; the answer still goes to stdout as documented
curl() {
  local n rc=0 status
  n=$(($(< "$__doc_log/count") + 1))
  echo "$n" > "$__doc_log/count"
  echo "${BASH_LINENO[0]}" > "$__doc_log/$n.line"
  printf '%q ' curl "$@" > "$__doc_log/$n.args"
  status=$(command curl "$@" --output "$__doc_log/$n.body" --write-out '%{http_code}') || rc=$?
  echo "$status" > "$__doc_log/$n.status"
  if [ -f "$__doc_log/$n.body" ]; then cat "$__doc_log/$n.body"; fi
  return "$rc"
}

# remembers how many calls were made when a block starts and after each '# -> ' answer
__doc_mark() { cp "$__doc_log/count" "$__doc_log/$1"; }
