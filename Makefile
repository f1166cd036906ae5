# ctalab — make targets. Every test target runs with the race detector.
GO      ?= go
PKGS    ?= ./...
BENCH   ?= .
BENCHTIME ?= 1x

.PHONY: help test unit vet fmt-check lint bench bench-go deps lab-up lab-down lab-status scenarios golden demo

# "make" alone lists the targets; "make test" runs the whole suite.
.DEFAULT_GOAL := help

## help: list the targets (what "make" alone does)
help:
	@echo "Usage: make <target>   (GO, PKGS, GINKGO_PROCS, FUZZTIME... may be set on the command line)"
	@echo
	@grep -E '^##' Makefile | sed 's/^## /  /; s/^##/  /'

## test: unit tests, then the scenario suite on parallel Ginkgo processes; race detector on
##       (installs missing test tools first). Each stage prints a "== [n/6]" line as it starts, and a
##       long stage says every 30 s of quiet how far it is
test:
	@echo "== [1/6] deps: the test tools ($$(date +%T))"
	@$(MAKE) --no-print-directory deps
	@echo "== [2/6] vet: go vet over every package ($$(date +%T))"
	@$(MAKE) --no-print-directory vet
	@echo "== [3/6] fmt-check: gofmt over every Go file ($$(date +%T))"
	@$(MAKE) --no-print-directory fmt-check
	@echo "== [4/6] lint: staticcheck ($$(date +%T))"
	@$(MAKE) --no-print-directory lint
	@echo "== [5/6] unit: go test -race over every package but the scenarios, the README spec included ($$(date +%T))"
	@$(MAKE) --no-print-directory unit
	@echo "== [6/6] scenarios: the Ginkgo suite, one line per spec ($$(date +%T))"
	@$(MAKE) --no-print-directory scenarios
	@echo "== make test passed ($$(date +%T))"

## demo: build the application once, showing each package as it compiles, then run it (serve; Ctrl-C exits 0)
demo:
	@echo "== building the application (the first build compiles every dependency; see README)"
	$(GO) build -v -o bin/ctalab ./app
	bin/ctalab serve

## lint: staticcheck (pinned in go.mod; staticcheck.conf files say what is configured and why),
##       then golangci-lint v2 with .golangci.yml (errcheck, govet, ineffassign, unused, bodyclose,
##       errorlint) over every package; another golangci-lint running on the machine (an editor's,
##       another checkout's) does not fail it
lint: lint-golangci
	$(GO) tool staticcheck ./...

GOLANGCI_LINT ?= github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
.PHONY: lint-golangci
lint-golangci:
	$(GO) run $(GOLANGCI_LINT) run --allow-parallel-runners ./...

## unit: every package's tests except the scenario suite, race detector on; then each
##       provider's conformance features as passed, failed or skipped (with the reason)
CONFORMANCE_DIR := $(CURDIR)/.cache/conformance
unit:
	@rm -rf $(CONFORMANCE_DIR)
	CTALAB_CONFORMANCE_DIR=$(CONFORMANCE_DIR) scripts/with-heartbeat "unit tests" '^(ok|FAIL|---)' $(GO) test -race -count=1 -timeout 30m $$($(GO) list $(PKGS) | grep -v '/scenarios$$'); \
	status=$$?; cat $(CONFORMANCE_DIR)/*.txt 2>/dev/null; exit $$status

## compose-specs: lab up/down on Docker Compose v2+ against the stand-in Docker Engine API
##                (lab/containers/enginetest); builds docker compose into .cache/bin first, which
##                takes minutes, so make test runs these specs only when it is already there
.PHONY: compose-specs
compose-specs:
	scripts/install-test-deps --compose
	$(GO) test -race -count=1 -v -run 'Compose' ./lab/containers/enginetest/

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

## lab-up: start the lab on the standard ports (docker compose, or the embedded stack without Docker);
##         LAB_FLAGS adds lab flags to lab-up, lab-status and lab-down, e.g. LAB_FLAGS='--port-offset 10000'
LAB_FLAGS ?=
lab-up: bin/lab
	bin/lab up $(LAB_FLAGS)

## lab-down: stop the lab
lab-down: bin/lab
	bin/lab down $(LAB_FLAGS)

## lab-status: show which lab services answer; fails (exit 1) when one of them is down
lab-status: bin/lab
	bin/lab status $(LAB_FLAGS)

bin/lab: FORCE
	@$(GO) build -o bin/lab ./lab/cmd/lab

## golden: rewrite fixtures/golden/ (the rendered page; presentation only) from a fresh replay, after an
##         intended change of the page (review the diff)
golden:
	CTALAB_UPDATE_GOLDEN=1 $(GO) test -count=1 -timeout 15m ./scenarios/ -ginkgo.label-filter=golden

## scenarios: the scenario suite through the Ginkgo CLI on GINKGO_PROCS processes (one per core by
##            default), race detector on; the embedded stack unless LAB_STACK=containers (or
##            external) asks for another, whether or not a Docker engine answers. Output is not intercepted, so
##            that a race report or a panic outside a spec reaches the log of the process it ended.
GINKGO_PROCS ?= $(shell nproc 2>/dev/null || echo 2)
scenarios:
	@echo "scenarios: on the $(or $(LAB_STACK),embedded) stack ($(if $(LAB_STACK),LAB_STACK=$(LAB_STACK),LAB_STACK is not set; LAB_STACK=containers runs them on the Confluent Platform containers))"
	scripts/with-heartbeat scenarios '^•' $(GO) run github.com/onsi/ginkgo/v2/ginkgo -race -v --procs=$(GINKGO_PROCS) $(if $(CI),--no-color) --output-interceptor-mode=none --randomize-all --fail-on-pending --fail-on-empty --trace --poll-progress-after=120s --timeout=30m --label-filter='!chaos' ./scenarios

## scenarios-under-load: RUNS (default 10) consecutive `make scenarios` while a second one runs alongside,
##                       each in a clean clone of HEAD under results/under-load/; prints each run's result and
##                       wall time and stops at the first failure (about 10-15 minutes a run on 2 cores)
.PHONY: scenarios-under-load
scenarios-under-load:
	scripts/scenarios-under-load

## chaos: the chaos spec alone: a weekday replay during which the lab process is killed with SIGKILL
##        and restarted CHAOS_KILLS times (default 10) at CHAOS_SEED's points (default 42); about 10 minutes
.PHONY: chaos
chaos:
	$(GO) run github.com/onsi/ginkgo/v2/ginkgo -race $(if $(CI),--no-color) --output-interceptor-mode=none --trace --poll-progress-after=120s --timeout=60m --label-filter=chaos -v ./scenarios

FORCE:

## bench: the benchmark harness (bench/): lab cold start and idle RSS, a weekday replay end to end, the raw broker
##        ceiling, arrival-to-dashboard latency, the simulation core, the scenario suite's wall time; prints one table
##        and writes it, the raw samples (JSON) and a plot (SVG) under results/ (about 15 minutes on 2 cores).
##        Flags via BENCHFLAGS, e.g. BENCHFLAGS='-runs 1 -rows replay'
BENCHFLAGS ?=
bench: bin/lab
	$(GO) run ./bench -lab bin/lab -out results $(BENCHFLAGS)

## bench-go: the Go benchmarks (one simulated weekday, ...)
bench-go:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -cpu 1 $(PKGS)

## fuzz: every fuzz target in the repo, each for $(FUZZTIME), one after another; a new
##       input is minimised for at most $(FUZZMINIMIZETIME) (go test's default, 60s, can
##       spend a whole short run minimising and leave no time to fuzz)
FUZZTIME ?= 30s
FUZZMINIMIZETIME ?= 100x
.PHONY: fuzz
fuzz:
	@failed=""; \
	for file in $$(grep -rl --include='*_test.go' --exclude-dir=.git --exclude-dir=vendor '^func Fuzz[A-Za-z0-9_]*(' . | sort); do \
		pkg=./$$(dirname $${file#./}); \
		for name in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
			echo "== fuzz $$name in $$pkg for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || failed="$$failed $$pkg:$$name"; \
		done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz targets that failed:$$failed"; exit 1; fi; \
	echo "every fuzz target passed"
