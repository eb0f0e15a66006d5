#!/usr/bin/env bash
# govulncheck, with the Go vulnerability database built from the
# golang.org/x/vulndb module as the Go module proxy serves it: the build
# machines reach the proxy but not vuln.go.dev. Fails when the code calls a
# vulnerable function, of a required module or of the standard library: it
# checks the standard library of the Go that builds releases, go.mod's
# toolchain line (`make vulncheck` passes it as GOTOOLCHAIN; the machine's
# go.env pins GOTOOLCHAIN=local, which would ignore the line).
set -euo pipefail
cd "$(dirname "$0")/.."

GOTOOLCHAIN=${GOTOOLCHAIN:-$(sed -n 's/^toolchain //p' go.mod)}
if [ -z "$GOTOOLCHAIN" ]; then
	echo "vulncheck: no toolchain line in go.mod" >&2
	exit 1
fi
# Exported for govulncheck too: it loads the packages and takes the standard
# library's version from the go command. The first use downloads the toolchain.
export GOTOOLCHAIN
goversion=$(go env GOVERSION)
echo "vulncheck: standard library of $goversion"

VULNDB=v0.0.0-20261105234957-e22db6528018   # bump to refresh the database
GOVULNCHECK=v1.9.0
db="${XDG_CACHE_HOME:-$HOME/.cache}/reconciler/vulndb-$VULNDB"

if [ ! -f "$db/index/db.json" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && go mod init vulndb-fetch >/dev/null 2>&1)
	src=$(cd "$tmp" && go mod download -json "golang.org/x/vulndb@$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	cp -r "$src" "$tmp/repo" && chmod -R u+w "$tmp/repo"
	# gendb reads the reports from a git repository.
	git -C "$tmp/repo" init -q
	git -C "$tmp/repo" add -A
	git -C "$tmp/repo" -c user.name=ci -c user.email=ci@localhost commit -qm "vulndb $VULNDB"
	(cd "$tmp/repo" && GOFLAGS=-mod=mod go run ./cmd/gendb -repo "$tmp/repo" -out "$tmp/db")
	mkdir -p "$(dirname "$db")" && mv "$tmp/db" "$db"
fi

out=$(mktemp)
status=0
go run "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK" -db "file://$db" -format json ./... >"$out" || status=$?
# -format json exits 0 with findings; anything else is govulncheck failing.
if [ "$status" -ne 0 ]; then
	echo "govulncheck failed (exit $status)" >&2
	exit "$status"
fi
go run ./scripts/vulnfilter <"$out"
