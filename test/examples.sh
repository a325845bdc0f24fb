#!/usr/bin/env bash
# examples.sh FILE - run every example of a man page (the .Bd -literal
# blocks of its EXAMPLES section) or of README.md (its ```sh blocks), each
# as a bash script with set -e, in an empty scratch directory, inside
# private IPC and mount namespaces (private /dev/shm and mqueue mounts), so
# examples can use plain names like "jobs" and nothing reaches the host.
# A roff comment ".\" setup: CMDS" (in README.md "<!-- setup: CMDS -->")
# just before a block is run first, in the same shell; ".\" norun: WHY"
# ("<!-- norun: WHY -->") skips it.  Prints one line per failing block
# with its output; exits 1 if any failed.
set -uo pipefail
file=$1
work=$(mktemp -d /tmp/ipckit-examples.XXXXXX)
trap 'rm -rf "$work"' EXIT

case $file in
*.md)
	awk -v dir="$work" '
	    /^<!-- setup: .* -->$/ { setup = $0; sub(/^<!-- setup: /, "", setup); sub(/ -->$/, "", setup); next }
	    /^<!-- norun: .* -->$/ { norun = 1; next }
	    /^```(sh|bash|console)$/ && !inb { inb = 1; n++; f = dir "/ex." n
	        if (norun) f = f ".norun"
	        printf "%s\n", setup > f; setup = ""; norun = 0; next }
	    /^```$/ && inb { inb = 0; close(f); next }
	    inb { sub(/^\$ /, ""); print > f }
	' "$file"
	;;
*)
	awk -v dir="$work" '
	    /^\.Sh / { ex = ($2 == "EXAMPLES") }
	    !ex { next }
	    /^\.\\" setup: / { setup = $0; sub(/^\.\\" setup: /, "", setup); next }
	    /^\.\\" norun: / { norun = 1; next }
	    /^\.Bd -literal/ { inb = 1; n++; f = dir "/ex." n
	        if (norun) f = f ".norun"
	        printf "%s\n", setup > f; setup = ""; norun = 0; next }
	    /^\.Ed/ && inb { inb = 0; close(f); next }
	    inb {
	        gsub(/\\e/, "\\"); gsub(/\\\(aq/, "\047"); gsub(/\\\(dq/, "\"")
	        gsub(/\\-/, "-"); gsub(/\\&/, ""); gsub(/\\\(ti/, "~")
	        gsub(/\\\(ha/, "^"); gsub(/\\\(ga/, "`")
	        print > f
	    }
	' "$file"
	;;
esac

failed=0
for ex in "$work"/ex.*; do
	[ -e "$ex" ] || continue
	case $ex in *.norun) continue ;; esac
	d=$work/run.${ex##*.}
	mkdir -p "$d/mq"
	out=$(cd "$d" && timeout -k 5 30 unshare -i -m --propagation private \
	    bash -c 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm &&
	        mount -t mqueue mqueue "$1/mq" && cd "$1" && exec bash -e "$2"' \
	    _ "$d" "$ex" 2>&1 </dev/null)
	st=$?
	if [ "$st" -ne 0 ]; then
		failed=1
		echo "== $file example ${ex##*.} failed (status $st):"
		sed 's/^/   | /' "$ex"
		echo "   output:"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/   > /'
	fi
done
exit "$failed"
