#!/bin/sh
# AWS_LAMBDA_EXEC_WRAPPER: Lambda's Node.js bootstrap starts this as
#   <wrapper> /var/lang/bin/node <flags…> /var/runtime/index.mjs
# and it runs the kit's runtime loop (runtime-loop.js, beside this file) with the same node and flags, so
# the handler gets the payload's bytes and 64-bit integers stay exact. Whenever anything is not as expected
# it runs the managed runtime unchanged: the worst case is Lambda's own behaviour. See docs/runtime-loop.md.

managed() {
  [ "$#" -gt 0 ] || exit 127
  exec "$@"
}

[ "$#" -ge 2 ] || managed "$@"
for last do :; done
loop="${0%/*}/runtime-loop.js"

case "${FIREHOSE_MANAGED_RUNTIME:-}" in true | TRUE | True | 1) managed "$@" ;; esac
[ "${1##*/}" = node ] || managed "$@"
[ "$last" = /var/runtime/index.mjs ] || managed "$@"
[ -f "$loop" ] || managed "$@"

# Same interpreter and flags, the loop in place of the managed runtime's entry point (the last argument).
count=$#
i=0
for arg do
  i=$((i + 1))
  shift
  [ "$i" -lt "$count" ] && set -- "$@" "$arg"
done
exec "$@" "$loop"
