# Shared by the benchmark scripts: timing one command, medians, and Markdown table rows.
# measure/median/row need $work (a scratch folder) and $runs set by the caller.

# Prints "<seconds> <peak KiB> <user+sys CPU seconds>" for one run of the command.
measure() {
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/time"
}
# Medians of the wall time, peak memory (MiB) and CPU time, over lines of `measure` on stdin.
median() {
  sort -n -k1,1 | awk '{t[NR]=$1} END {n=NR; mid=int((n+1)/2); print t[mid]}'
}
median_mem() {
  sort -n -k2,2 | awk '{m[NR]=$2} END {n=NR; mid=int((n+1)/2); printf "%.1f", m[mid]/1024}'
}
median_cpu() {
  sort -n -k3,3 | awk '{c[NR]=$3} END {n=NR; mid=int((n+1)/2); print c[mid]}'
}
row() {  # case, tool, file of measurements
  echo "| $1 | $2 | $(median < "$3") | $(median_cpu < "$3") | $(median_mem < "$3") | $runs |"
}

# For the scripts that run `darkroom serve`: a scratch folder in $work, removed on exit with the
# server. Call once, before `serve_release`.
serve_scratch() {  # label
  work=$(mktemp -d "/var/tmp/darkroom-$1.XXXXXX")
  port=$((20000 + RANDOM % 20000))
  server=
  trap '[[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
}
# Starts the release build's `darkroom serve` on $port with the data folder $1 and the other
# arguments, and returns once /healthz answers.
serve_release() {  # data folder, extra arguments…
  local data=$1
  shift
  .build/release/darkroom serve --data "$data" --port "$port" --log-level warning "$@" >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  cat "$work/serve.log" >&2
  return 1
}
