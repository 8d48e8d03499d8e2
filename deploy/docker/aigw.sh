#!/bin/sh
# Entry point of the container image: `aigw <command> [args...]`.
#   gateway | router | cache | memory | metrics | admin | mock-llm
#                            run that service; exec'd, so node receives SIGTERM itself
#   migrate                  apply the database migrations (admin, memory, cache), then exit
#   keygen <id> [app...]     print a new gateway API key and its sha256 config entry
#   probe <url>              exit 0 when GET <url> answers 2xx within 2 s (compose healthchecks)
set -eu
root="${AIGW_ROOT:-/app}"

usage() {
  echo "usage: aigw gateway|router|cache|memory|metrics|admin|mock-llm|migrate|keygen|probe <url>" >&2
  exit 64
}

[ "$#" -ge 1 ] || usage
command="$1"
shift
case "$command" in
  gateway | router | cache | memory | metrics | admin | mock-llm)
    exec node "$root/dist/apps/$command/src/main.js" "$@"
    ;;
  migrate)
    exec node "$root/dist/apps/admin/src/migrate.js" "$@"
    ;;
  keygen)
    exec node "$root/dist/tools/keygen.js" "$@"
    ;;
  probe)
    [ "$#" -eq 1 ] || usage
    exec node -e '
      fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(
        (response) => process.exit(response.ok ? 0 : 1),
        () => process.exit(1),
      );' "$1"
    ;;
  *)
    usage
    ;;
esac
