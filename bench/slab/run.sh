#!/bin/sh
# Run the SLUB benchmark: every allocator's build of bench/slab/slab.c, in
# the same run, in interleaved rounds (round 1 of every allocator, then
# round 2, ...), so that a slow phase of the machine hits them all alike;
# then print one table.  Usage: run.sh DIR [ROUNDS] [SCALE]
#   DIR     where the slab_<impl> binaries are (missing ones are skipped)
#   ROUNDS  timed repetitions per figure, one per round (default 7)
#   SCALE   multiplies the operation counts (default 1; 0.1 for a smoke run)
set -e
dir=$1
rounds=${2:-7}
scale=${3:-1}
[ -n "$dir" ] || { echo "usage: $0 DIR [ROUNDS] [SCALE]" >&2; exit 2; }
raw=$(mktemp)
trap 'rm -f "$raw" "$raw.skip"' EXIT

impls=""
for i in kmm glibc mimalloc jemalloc tcmalloc; do
	if [ -x "$dir/slab_$i" ]; then
		impls="$impls $i"
	else
		echo "skipped: $i (no $dir/slab_$i: the library was not found at build time;" \
		     "see scripts/ensure-bench-deps.sh)" >> "$raw.skip"
	fi
done
[ -x "$dir/slab_kmm" ] || { echo "run.sh: $dir/slab_kmm is missing" >&2; exit 1; }

# The peers with their own heap debugging, measured beside kmm-FZPU in the
# same rounds: tcmalloc-debug (libtcmalloc_minimal_debug), glibc-check
# (glibc.malloc.check=3 through libc_malloc_debug.so.0, and poisoning by
# glibc.malloc.perturb) and jemalloc-junk (MALLOC_CONF=junk:true), each
# as NAME:BASE, BASE the same allocator without debugging.
dbg=""
[ -x "$dir/slab_tcmalloc-debug" ] && dbg="$dbg tcmalloc-debug:tcmalloc"
mdebug=""
ma=$(${CC:-cc} -print-multiarch 2>/dev/null)
for d in /lib/$ma /usr/lib/$ma /lib64 /usr/lib64 /lib /usr/lib; do
	if [ -f "$d/libc_malloc_debug.so.0" ]; then mdebug="$d/libc_malloc_debug.so.0"; break; fi
done
[ -n "$mdebug" ] && [ -x "$dir/slab_glibc" ] && dbg="$dbg glibc-check:glibc"
[ -x "$dir/slab_jemalloc" ] && dbg="$dbg jemalloc-junk:jemalloc"
dbg_run() {
	name=$1
	shift
	case $name in
	tcmalloc-debug) "$dir/slab_tcmalloc-debug" --impl "$name" "$@" ;;
	glibc-check) GLIBC_TUNABLES=glibc.malloc.check=3:glibc.malloc.perturb=165 \
		LD_PRELOAD="$mdebug" "$dir/slab_glibc" --impl "$name" "$@" ;;
	jemalloc-junk) MALLOC_CONF=junk:true "$dir/slab_jemalloc" --impl "$name" "$@" ;;
	esac
}

# Round r starts its threads on CPU (r - 1) mod N: the one-thread figures
# take the CPUs in turn, so that one vCPU whose host neighbour is busy does
# not decide them.
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
r=1
while [ "$r" -le "$rounds" ]; do
	first=$(( (r - 1) % ncpu ))
	for i in $impls; do
		only=pair64,ws4k,ws64k,xfree
		[ "$r" = 1 ] && only="mem,$only"
		"$dir/slab_$i" --impl "$i" --reps 1 --scale "$scale" --first-cpu "$first" \
			--only "$only" >> "$raw"
	done
	# kmm with SLUB debugging, on the fixed-size pair and the working sets.
	"$dir/slab_kmm" --impl kmm-FZPU --boot "slub_debug=FZPU" --reps 1 --scale "$scale" \
		--first-cpu "$first" --only pair64,ws4k,ws64k >> "$raw"
	for i in $dbg; do
		dbg_run "${i%%:*}" --reps 1 --scale "$scale" --first-cpu "$first" \
			--only pair64,ws4k,ws64k >> "$raw"
	done
	r=$((r + 1))
done

{
	echo "SLUB benchmark: kmm's kmem_cache/kmalloc against malloc implementations"
	echo "$(getconf _NPROCESSORS_ONLN) CPUs; $rounds rounds, interleaved across allocators; median and best (min) over rounds"
	echo "ns per op (lower is better): pair64 = kmem_cache_alloc+free of 64 bytes (kmm) or"
	echo "malloc(64)+free; ws4k/ws64k = free a random slot of 4096/65536 live objects and"
	echo "allocate 8..512 random bytes into it (kmalloc/kfree for kmm), per thread;"
	echo "xfree = one thread allocates 8..512 bytes, another frees them, per object."
	echo "kmm is booted with mem=2G quiet; kmm-FZPU adds slub_debug=FZPU."
	if [ -f "$raw.skip" ]; then cat "$raw.skip"; fi
	awk -F'\t' '$1 == "I" && $2 != "kmm" && $2 != "kmm-FZPU" && !seen[$2]++ {
		printf "  %-9s malloc resolves to %s\n", $2, $3 }' "$raw"
} 

awk -F'\t' -v impls="kmm$impls kmm-FZPU" -v dbg="kmm-FZPU:kmm$dbg" '
$1 == "R" {
	k = $2 "/" $3 "t"
	if (!(k in seen)) { seen[k] = 1; order[++nw] = k }
	cnt[k, $4]++; val[k, $4, cnt[k, $4]] = $5
	# cnt and val are indexed by (workload/threads, impl)
	prb[k, $4, cnt[k, $4]] = $7 + 0
	if ($7 + 0 > 0 && (bestp == "" || $7 + 0 < bestp)) bestp = $7 + 0
	if ($7 + 0 > worstp) worstp = $7 + 0
}
$1 == "M" { nobj = $3; req[$2] = $4; rss[$2] = $5 }
END {
	ni = split(impls, im, " ")
	m = 0
	for (i = 1; i <= ni; i++) if (!(im[i] in dup)) { dup[im[i]] = 1; imp[++m] = im[i] }
	ni = m
	print_table(0)
	# The rounds at full machine speed (../speed_probe.h: every probe of
	# the round within 10% of the best probe of the run).
	printf "\nAt full machine speed only: median over the rounds whose speed probes (a fixed\n"
	printf "register loop before and after each timed loop, on every thread) all came within\n"
	printf "10%% of the best probe of the run (%.3f ns); the slowest probe read %.3f ns (%.2fx).  (n) = rounds kept.\n", bestp, worstp, bestp ? worstp / bestp : 0
	print_table(1)

	printf "\nMemory: %d live objects of 8..512 random bytes, each written in full\n", nobj
	printf "%-12s %14s %14s %14s\n", "impl", "requested MB", "RSS growth MB", "RSS/requested"
	for (i = 1; i <= ni; i++)
		if (imp[i] in req)
			printf "%-12s %14.1f %14.1f %14.2f\n", imp[i], req[imp[i]] / 1e6, rss[imp[i]] / 1e6, rss[imp[i]] / req[imp[i]]

	printf "\nTargets (reported, not enforced):\n"
	p = med["pair64/1t", "kmm"]
	printf "  kmm fixed-size pair under 5 ns: %.2f ns median, %.2f best: %s\n", p, bst["pair64/1t", "kmm"], p < 5 ? "met" : "NOT met"
	if (nf["pair64/1t", "kmm"]) {
		p = medf["pair64/1t", "kmm"]
		printf "    at full machine speed (%d rounds): %.2f ns median: %s\n", nf["pair64/1t", "kmm"], p, p < 5 ? "met" : "NOT met"
	}
	for (w = 1; w <= nw; w++) {
		k = order[w]
		if (k !~ /^ws/) continue
		fast = ""; fv = 0
		for (i = 1; i <= ni; i++) {
			if (imp[i] ~ /^kmm/ || !((k, imp[i]) in med)) continue
			if (fast == "" || med[k, imp[i]] < fv) { fast = imp[i]; fv = med[k, imp[i]] }
		}
		if (fast == "") continue
		printf "  %-10s kmm %.2f ns vs fastest peer %s %.2f ns (%.2fx): %s\n", k, med[k, "kmm"], fast, fv, med[k, "kmm"] / fv, med[k, "kmm"] <= fv ? "met" : "NOT met"
		# At full speed: the full-speed median of kmm against that of every peer,
		# only when each of them had a round at full speed.
		fast = ""; fv = 0; missing = ""
		for (i = 1; i <= ni; i++) {
			if (imp[i] ~ /^kmm/ || !((k, imp[i]) in cnt)) continue
			if (!nf[k, imp[i]]) { missing = missing " " imp[i]; continue }
			if (fast == "" || medf[k, imp[i]] < fv) { fast = imp[i]; fv = medf[k, imp[i]] }
		}
		if (!nf[k, "kmm"]) missing = missing " kmm"
		if (missing != "")
			printf "    at full machine speed: no comparison (no round at full speed for%s)\n", missing
		else
			printf "    at full machine speed: kmm %.2f ns (%d rounds) vs %s %.2f ns (%d) (%.2fx): %s\n", medf[k, "kmm"], nf[k, "kmm"], fast, fv, nf[k, fast], medf[k, "kmm"] / fv, medf[k, "kmm"] <= fv ? "met" : "NOT met"
	}
	for (w = 1; w <= nw; w++) {
		k = order[w]
		if (!((k, "kmm-FZPU") in med)) continue
		ratio = med[k, "kmm-FZPU"] / med[k, "kmm"]
		printf "  %-10s slub_debug=FZPU %.2f ns vs %.2f ns: %.2fx slower (target <= 5x): %s\n", k, med[k, "kmm-FZPU"], med[k, "kmm"], ratio, ratio <= 5 ? "met" : "NOT met"
		if (nf[k, "kmm-FZPU"] && nf[k, "kmm"]) {
			ratio = medf[k, "kmm-FZPU"] / medf[k, "kmm"]
			printf "    at full machine speed: %.2f ns vs %.2f ns: %.2fx: %s\n", medf[k, "kmm-FZPU"], medf[k, "kmm"], ratio, ratio <= 5 ? "met" : "NOT met"
		}
	}
	print_debug()
}
# Each debugging allocator against the same allocator without debugging,
# from the same rounds: the median over all rounds and over the rounds at
# full machine speed (when both had some).
function print_debug(   nd, d, i, w, k, b, m, mb, f, fb, nb) {
	nd = split(dbg, d, " ")
	for (i = 1; i <= nd; i++) {
		split(d[i], nb, ":")
		d[i] = nb[1]; base[nb[1]] = nb[2]
	}
	printf "\nDebugging allocators against themselves without debugging, in the same rounds:\n"
	printf "  kmm-FZPU        slub_debug=FZPU: sanity checks, red zones, poisoning, the\n"
	printf "                  allocating and the freeing stack of every object\n"
	printf "  tcmalloc-debug  libtcmalloc_minimal_debug: guard words, fill on alloc and free,\n"
	printf "                  freed blocks queued and checked for writes, the freeing stack\n"
	printf "  glibc-check     glibc.malloc.check=3 (libc_malloc_debug.so) and\n"
	printf "                  glibc.malloc.perturb=165: chunk checks, fill on alloc and free\n"
	printf "  jemalloc-junk   MALLOC_CONF=junk:true: fill on alloc and free, no checks\n"
	printf "%-12s %-15s %-9s %10s %10s %8s | %9s %s\n", "workload", "debugging", "base", "ns/op", "base", "ratio", "full", "(rounds)"
	for (w = 1; w <= nw; w++) {
		k = order[w]
		if (k !~ /^(pair64|ws)/) continue
		for (i = 1; i <= nd; i++) {
			b = base[d[i]]
			if (!((k, d[i]) in cnt) || !((k, b) in cnt)) continue
			m = median1(k, d[i], 0); mb = median1(k, b, 0)
			f = median1(k, d[i], 1); fb = median1(k, b, 1)
			printf "%-12s %-15s %-9s %10.2f %10.2f %7.2fx |", k, d[i], b, m, mb, mb ? m / mb : 0
			if (nf[k, d[i]] && nf[k, b]) printf " %8.2fx (%d/%d)\n", f / fb, nf[k, d[i]], nf[k, b]
			else printf " %9s\n", "-"
		}
	}
}
# One row per workload: median and best over all rounds, or (full) the
# median over the rounds at full machine speed and how many they were.
function print_table(full,   w, k, i) {
	printf "\n%-12s", "workload"
	for (i = 1; i <= ni; i++) printf " %17s", imp[i]
	if (!full) {
		printf "\n%-12s", ""
		for (i = 1; i <= ni; i++) printf " %17s", "median    best"
	}
	printf "\n"
	for (w = 1; w <= nw; w++) {
		k = order[w]
		if (k ~ /^mem/) continue
		printf "%-12s", k
		for (i = 1; i <= ni; i++) {
			if (!((k, imp[i]) in cnt)) { printf " %17s", "-"; continue }
			if (!full) {
				med[k, imp[i]] = median1(k, imp[i], 0)
				printf " %8.2f %8.2f", med[k, imp[i]], bst[k, imp[i]]
				continue
			}
			medf[k, imp[i]] = median1(k, imp[i], 1)
			if (nf[k, imp[i]]) printf " %10.2f (%2d/%d)", medf[k, imp[i]], nf[k, imp[i]], cnt[k, imp[i]]
			else printf " %17s", "- (0/" cnt[k, imp[i]] ")"
		}
		printf "\n"
	}
}
# The median of the rounds of (k, impl), all of them or (full) those at
# full machine speed; sets bst (all) or nf (full).
function median1(k, impl, full,   n, i, j, t, a) {
	n = 0
	for (i = 1; i <= cnt[k, impl]; i++)
		if (!full || (prb[k, impl, i] > 0 && prb[k, impl, i] <= bestp * 1.10))
			a[++n] = val[k, impl, i]
	if (full) nf[k, impl] = n
	if (!n) return 0
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	if (!full) bst[k, impl] = a[1]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
' "$raw"
