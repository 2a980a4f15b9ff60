# Shared by the benchmark scripts: timing one command, medians, and Markdown table rows.
# Needs $work (a scratch folder) and $runs set by the caller.

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
