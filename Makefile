# The README's second Quick start command is `make test`.
GO       ?= go
PREFIX   ?= /usr/local
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
FUZZTIME ?= 10s
# The Go of release builds and of vulncheck: go.mod's toolchain line, set as
# GOTOOLCHAIN because the machine's go.env pins GOTOOLCHAIN=local (which
# ignores that line); the go command downloads it from the module proxy once.
# test, lint and fuzz keep the machine's Go, which the go line allows.
RELEASE_GO ?= $(shell sed -n 's/^toolchain //p' go.mod)

.PHONY: all build setup test lint fuzz vulncheck bench install clean

all: build

build:
	@test -n "$(RELEASE_GO)" || { echo "no toolchain line in go.mod"; exit 1; }
	GOTOOLCHAIN=$(RELEASE_GO) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/reconciler ./cmd/reconciler

# Debian packages the tests need (installed only when missing).
setup:
	./scripts/install-test-deps.sh

# The whole suite, then the wall-clock scenario of the adaptive rate that
# the default run leaves out to stay quick (-long, about 26 s).
test: setup
	$(GO) test -race -count=1 ./...
	$(GO) test -race -count=1 -run '^TestApplyConvergesWithDefaults$$' ./internal/reconcile -long

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) mod tidy -diff

# Every fuzz target of the repository (found by its `func FuzzX(` line, so a
# new one is never forgotten) for FUZZTIME each; a failing input goes to
# testdata/fuzz and then runs with every `go test`.
fuzz:
	@set -e; git grep -h -o '^func Fuzz[A-Za-z0-9_]*' -- '*_test.go' >/dev/null || { echo "no fuzz targets"; exit 1; }; \
	for f in $$(git grep -l '^func Fuzz' -- '*_test.go'); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "fuzz $$t in ./$$(dirname $$f) for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f); \
		done; \
	done

# govulncheck with a database built from the module proxy's golang.org/x/vulndb,
# against the standard library of the release Go.
vulncheck:
	@test -n "$(RELEASE_GO)" || { echo "no toolchain line in go.mod"; exit 1; }
	GOTOOLCHAIN=$(RELEASE_GO) ./scripts/vulncheck.sh

# One run of each benchmark. internal/reconcile's compare the client-side
# rate limits against a simulated service: BenchmarkApply1000 at a fixed
# --api-rate equal to the service's rate (about 20 s), BenchmarkApplyAdaptive
# and BenchmarkApplyAdaptiveSlow with --api-rate auto against a service
# rate the client is not told (about 12 s and 47 s).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./internal/schema ./internal/chime/sim ./internal/reconcile ./cmd/reconciler

# The binary, the systemd units and an example environment file that an
# existing /etc/reconciler/reconciler.env is never overwritten by.
install: build
	install -D -m 0755 bin/reconciler $(DESTDIR)$(PREFIX)/bin/reconciler
	install -D -m 0644 systemd/reconciler.service $(DESTDIR)/etc/systemd/system/reconciler.service
	install -D -m 0644 systemd/reconciler@.service $(DESTDIR)/etc/systemd/system/reconciler@.service
	install -D -m 0644 systemd/reconciler.env.example $(DESTDIR)/etc/reconciler/reconciler.env.example
	test -e $(DESTDIR)/etc/reconciler/reconciler.env || \
		install -m 0644 systemd/reconciler.env.example $(DESTDIR)/etc/reconciler/reconciler.env

clean:
	rm -rf bin
