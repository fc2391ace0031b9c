# StickyPool: `make` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
MVN ?= mvn -B -ntp
JAR := target/stickypool.jar
ARGS ?=

.PHONY: help tools build test demo bench bench-proxy clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

tools: ## Install a JDK and Maven if this machine lacks them (Debian/apt)
	@bash scripts/ensure-tools.sh

build: tools ## Build target/stickypool.jar (no tests)
	$(MVN) -DskipTests package

test: tools ## Run every test tier (unit, sockets, mock API, end to end) and package the jar
	$(MVN) verify

$(JAR): $(shell find src/main pom.xml -type f 2>/dev/null)
	@bash scripts/ensure-tools.sh
	$(MVN) -q -DskipTests package

demo: $(JAR) ## Run the no-cluster demo (ARGS=... passes flags, e.g. ARGS=--help)
	java -jar $(JAR) demo $(ARGS)

bench: tools ## Run the JMH benchmarks and write bench/results/jmh-latest.{txt,json}
	bash scripts/bench-jmh.sh $(ARGS)

bench-proxy: $(JAR) ## Run the proxy side by side with HAProxy and nginx (../shared/bench)
	STICKYPOOL_JAR=$(CURDIR)/$(JAR) BENCH_RESULTS=$(CURDIR)/target/bench \
	  ../shared/bench/run.sh --cases "stickypool haproxy-cookie nginx-cookiehash" $(ARGS)

clean: ## Remove build output
	$(MVN) -q clean
