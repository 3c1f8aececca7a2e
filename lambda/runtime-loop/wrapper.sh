#!/bin/sh
# AWS_LAMBDA_EXEC_WRAPPER: Lambda's Node.js bootstrap starts this as
#   <wrapper> /var/lang/bin/node <flags…> /var/runtime/index.mjs
# and it runs the kit's runtime loop (runtime-loop.js, beside this file) with the same node and flags, so
# the handler gets the payload's bytes and 64-bit integers stay exact. Whenever anything is not as expected
# it runs the managed runtime unchanged: the worst case is Lambda's own behaviour, and it is never silent
# (one log line saying why, which is also a ManagedRuntimeFallback metric). See docs/runtime-loop.md.

managed() {
  [ "$#" -gt 0 ] || exit 127
  exec "$@"
}

# Only these characters reach the JSON line (values come from the environment and the bootstrap's arguments).
clean() { printf '%s' "$1" | tr -c 'A-Za-z0-9 ._/#:=+()-' '_'; }

# One JSON line on stdout: the reason, and an embedded-metric-format document that CloudWatch counts as
# ManagedRuntimeFallback in the functions' namespace, dimension service (alarmed on by the construct).
fallback() {
  reason=$(clean "$1")
  shift
  seconds=$(date +%s 2>/dev/null) || seconds=0
  namespace=$(clean "${POWERTOOLS_METRICS_NAMESPACE:-MparticleFirehose}")
  service=$(clean "${POWERTOOLS_SERVICE_NAME:-firehose-ingress}")
  printf '{"timestamp":"%s","level":"WARN","source":"runtime-wrapper","message":"%s","reason":"%s","service":"%s","ManagedRuntimeFallback":1,"_aws":{"Timestamp":%s000,"CloudWatchMetrics":[{"Namespace":"%s","Dimensions":[["service"]],"Metrics":[{"Name":"ManagedRuntimeFallback","Unit":"Count"}]}]}}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)" \
    'running the managed runtime instead of the runtime loop: integers beyond 2^53 are rounded' \
    "$reason" "$service" "$seconds" "$namespace"
  managed "$@"
}

digits() { case "$1" in '' | *[!0-9]*) return 1 ;; esac; }

# The flags the managed bootstrap passes, which the loop runs under as the runtime would. Sets $flag to the
# first other one (a preload such as --require or --import, an inspector, …) and succeeds if there is one.
unknown_flag() {
  count=$#
  i=0
  value_of=
  for arg do
    i=$((i + 1))
    if [ "$i" -eq 1 ] || [ "$i" -eq "$count" ]; then continue; fi
    if [ -n "$value_of" ]; then
      value_of=
      digits "$arg" && continue
      flag=$arg
      return 0
    fi
    case "$arg" in
      --expose-gc) ;;
      --max-http-header-size) value_of=$arg ;;
      --max-http-header-size=* | --max-semi-space-size=* | --max-old-space-size=*)
        digits "${arg#*=}" || {
          flag=$arg
          return 0
        }
        ;;
      *)
        flag=$arg
        return 0
        ;;
    esac
  done
  [ -z "$value_of" ] && return 1
  flag=$value_of
  return 0
}

case "${FIREHOSE_MANAGED_RUNTIME:-}" in
  true | TRUE | True | 1)
    printf '{"level":"INFO","source":"runtime-wrapper","message":"running the managed runtime (integers beyond 2^53 are rounded): FIREHOSE_MANAGED_RUNTIME is set"}\n'
    managed "$@"
    ;;
esac
[ "$#" -ge 2 ] || fallback 'no entry point after the interpreter' "$@"
for last do :; done
loop="${0%/*}/runtime-loop.js"

[ "${1##*/}" = node ] || fallback "the interpreter is not node: ${1##*/}" "$@"
[ "$last" = /var/runtime/index.mjs ] || fallback "unexpected entry point: $last" "$@"
[ -f "$loop" ] || fallback 'runtime-loop.js is missing beside the wrapper' "$@"
# Lambda Managed Instances: several invocations at once, which the loop does not serve (ric 4's multi-concurrency).
[ -z "${AWS_LAMBDA_MAX_CONCURRENCY+set}" ] || fallback 'AWS_LAMBDA_MAX_CONCURRENCY is set (Lambda Managed Instances)' "$@"
if unknown_flag "$@"; then fallback "a bootstrap flag the loop does not know: $flag" "$@"; fi
# A module preloaded through NODE_OPTIONS may expect the managed runtime (an agent that wraps its handler).
case " ${NODE_OPTIONS:-} " in
  *" -r"* | *" --require"* | *" --import"* | *" --loader"* | *" --experimental-loader"*)
    fallback 'NODE_OPTIONS preloads a module' "$@"
    ;;
esac

# Same interpreter and flags, the loop in place of the managed runtime's entry point (the last argument).
count=$#
i=0
for arg do
  i=$((i + 1))
  shift
  [ "$i" -lt "$count" ] && set -- "$@" "$arg"
done
exec "$@" "$loop"
