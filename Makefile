# ctalab — make targets. Every test target runs with the race detector.
GO      ?= go
PKGS    ?= ./...
BENCH   ?= .
BENCHTIME ?= 1x

.PHONY: help test unit vet fmt-check lint bench bench-go deps lab-up lab-down lab-status scenarios golden

# "make" alone lists the targets; "make test" runs the whole suite.
.DEFAULT_GOAL := help

## help: list the targets (what "make" alone does)
help:
	@echo "Usage: make <target>   (GO, PKGS, GINKGO_PROCS, FUZZTIME... may be set on the command line)"
	@echo
	@grep -E '^##' Makefile | sed 's/^## /  /; s/^##/  /'

## test: unit tests, then the scenario suite on parallel Ginkgo processes; race detector on
##       (installs missing test tools first)
test: deps vet fmt-check lint unit scenarios

## lint: staticcheck (pinned in go.mod) over every package; staticcheck.conf files say what is
##       configured and why
lint:
	$(GO) tool staticcheck ./...

## unit: every package's tests except the scenario suite, race detector on
unit:
	$(GO) test -race -count=1 -timeout 30m $$($(GO) list $(PKGS) | grep -v '/scenarios$$')

## deps: install the third-party tools the tests use, when missing
deps:
	@if [ -x scripts/install-test-deps ]; then scripts/install-test-deps; fi

## vet: go vet over every package
vet:
	$(GO) vet $(PKGS)

## fmt-check: fail when a Go file is not gofmt-formatted
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## lab-up: start the lab on the standard ports (docker compose, or the embedded stack without Docker)
lab-up: bin/lab
	bin/lab up

## lab-down: stop the lab
lab-down: bin/lab
	bin/lab down

## lab-status: show which lab services answer; fails (exit 1) when one of them is down
lab-status: bin/lab
	bin/lab status

bin/lab: FORCE
	@$(GO) build -o bin/lab ./lab/cmd/lab

## golden: rewrite fixtures/golden/ from fresh replays, after an intended change (review the diff)
golden:
	CTALAB_UPDATE_GOLDEN=1 $(GO) test -count=1 -timeout 45m ./scenarios/ -ginkgo.label-filter=golden

## scenarios: the scenario suite through the Ginkgo CLI on GINKGO_PROCS processes (one per core by
##            default), race detector on; LAB_STACK picks the stack. Output is not intercepted, so
##            that a race report or a panic outside a spec reaches the log of the process it ended.
GINKGO_PROCS ?= $(shell nproc 2>/dev/null || echo 2)
scenarios:
	$(GO) run github.com/onsi/ginkgo/v2/ginkgo -race --procs=$(GINKGO_PROCS) $(if $(CI),--no-color) --output-interceptor-mode=none --randomize-all --fail-on-pending --fail-on-empty --trace --poll-progress-after=120s --timeout=30m --label-filter='!chaos' ./scenarios

## chaos: the chaos spec alone: a weekday replay during which the lab process is killed with SIGKILL
##        and restarted CHAOS_KILLS times (default 10) at CHAOS_SEED's points (default 42); about 10 minutes
.PHONY: chaos
chaos:
	$(GO) run github.com/onsi/ginkgo/v2/ginkgo -race $(if $(CI),--no-color) --output-interceptor-mode=none --trace --poll-progress-after=120s --timeout=60m --label-filter=chaos -v ./scenarios

FORCE:

## bench: the benchmark harness (bench/): lab cold start and idle RSS, a weekday replay end to end, the raw broker
##        ceiling, arrival-to-dashboard latency, the simulation core; prints one table and writes it, the raw
##        samples (JSON) and a plot (SVG) under results/. Flags via BENCHFLAGS, e.g. BENCHFLAGS='-runs 1 -rows replay'
BENCHFLAGS ?=
bench: bin/lab
	$(GO) run ./bench -lab bin/lab -out results $(BENCHFLAGS)

## bench-go: the Go benchmarks (one simulated weekday, ...)
bench-go:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -cpu 1 $(PKGS)

## fuzz: every fuzz target in the repo, each for $(FUZZTIME), one after another
FUZZTIME ?= 30s
.PHONY: fuzz
fuzz:
	@failed=""; \
	for file in $$(grep -rl --include='*_test.go' --exclude-dir=.git --exclude-dir=vendor '^func Fuzz[A-Za-z0-9_]*(' . | sort); do \
		pkg=./$$(dirname $${file#./}); \
		for name in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
			echo "== fuzz $$name in $$pkg for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$pkg:$$name"; \
		done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz targets that failed:$$failed"; exit 1; fi; \
	echo "every fuzz target passed"
