# StickyPool: `make` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
MVN ?= mvn -B -ntp
JAR := target/stickypool.jar
JSA := target/stickypool.jsa
CRD := stickypools.stickypool.io-v1.yml
CHART_CRDS := deploy/helm/stickypool-operator/crds
GENERATED_CRD := target/classes/META-INF/fabric8/$(CRD)
ARGS ?=

.PHONY: help tools control-plane build test crds verify-crds diff-crds demo demo-cluster bench bench-proxy bench-footprint bench-warmstart bench-operator image image-test image-reproducible clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

tools: ## Install a JDK and Maven if this machine lacks them (Debian/apt)
	@bash scripts/ensure-tools.sh

control-plane: ## Build (once, cached in ~/.cache/stickypool) kube-apiserver, etcd, controller-manager, scheduler, kubectl, KWOK from the Go module proxy
	@BUILD_KWOKCTL=0 bash scripts/build-control-plane.sh >/dev/null

build: tools ## Build target/stickypool.jar (no tests) and its AppCDS archive target/stickypool.jsa (faster proxy start)
	$(MVN) -DskipTests package
	@bash scripts/build-cds.sh $(JAR) $(JSA)

test: tools control-plane ## Run every test tier (unit, sockets, real API server and cluster, end to end), package the jar, check crds/
	STICKYPOOL_CONTROL_PLANE_BIN="$$(bash scripts/build-control-plane.sh --print-dir)" $(MVN) verify
	@$(MAKE) --no-print-directory diff-crds

crds: tools ## Regenerate the CRD from the api classes into crds/ and the chart's crds/
	$(MVN) -q -DskipTests process-classes
	@mkdir -p crds $(CHART_CRDS)
	cp $(GENERATED_CRD) crds/$(CRD)
	cp $(GENERATED_CRD) $(CHART_CRDS)/$(CRD)

verify-crds: tools ## Regenerate the CRD and fail if crds/ or the chart's crds/ differs from it
	$(MVN) -q -DskipTests process-classes
	@$(MAKE) --no-print-directory diff-crds

# Compares the CRD the last build generated with the committed ones (top level and the chart's).
diff-crds:
	@diff -u crds/$(CRD) $(GENERATED_CRD) || { echo "crds/ is stale: run make crds" >&2; exit 1; }
	@diff -u $(CHART_CRDS)/$(CRD) $(GENERATED_CRD) || { echo "$(CHART_CRDS)/ is stale: run make crds" >&2; exit 1; }

$(JAR): $(shell find src/main pom.xml -type f 2>/dev/null)
	@bash scripts/ensure-tools.sh
	$(MVN) -q -DskipTests package

# Optional: without it (or with a stale one) the proxy starts as before, only slower.
$(JSA): $(JAR) scripts/build-cds.sh
	@bash scripts/build-cds.sh $(JAR) $(JSA)

demo: $(JAR) ## No-cluster demo: embedded API + real operator + simulated node, web scales 4 -> 2 (ARGS=--short, --keep, --proxy-only, --help)
	java -jar $(JAR) demo $(ARGS)

demo-cluster: $(JAR) control-plane ## The same story on a real control plane: kube-apiserver, etcd, controllers, KWOK node; kubectl get events -w works (ARGS=--short, --keep)
	java -jar $(JAR) demo --control-plane --control-plane-bin "$$(bash scripts/build-control-plane.sh --print-dir)" $(ARGS)

bench: tools ## Run the JMH benchmarks and write bench/results/jmh-latest.{txt,json}
	bash scripts/bench-jmh.sh $(ARGS)

bench-proxy: $(JAR) $(JSA) ## Run the proxy side by side with HAProxy and nginx (../shared/bench; ARGS=--quick; CASES="stickypool sp-iouring ...")
	bash scripts/bench-proxy.sh $(ARGS)

bench-footprint: $(JAR) ## Proxy RSS under load and per idle keep-alive connection (10,000 held open), beside HAProxy's
	bash scripts/bench-footprint.sh

bench-warmstart: $(JAR) $(JSA) ## Proxy cold start: ms to /readyz and req/s of the first 10 s vs steady, with and without AppCDS
	bash scripts/bench-warmstart.sh

bench-operator: $(JAR) control-plane ## Operator at 1/10/100/1000 pools on a real API server: requests, CPU, heap, latency (ARGS="--pools 1,10")
	bash scripts/bench-operator.sh $(ARGS)

IMAGE := target/stickypool-image.tar

image: $(JAR) ## Build the image as an OCI archive, target/stickypool-image.tar: no Docker, no registry (deploy/image/README.md; root for its AppCDS training)
	bash scripts/build-image.sh

image-test: image ## Build the image, then check its manifest and config and run it unpacked under chroot (--version, proxy /readyz)
	$(MVN) -q test-compile surefire:test -Dtest=ImageArchiveCheck -Dstickypool.image=$(IMAGE)

image-reproducible: $(JAR) ## Build the image twice without its CDS layer and fail unless both have the same digest
	STICKYPOOL_IMAGE_CDS=0 bash scripts/build-image.sh
	cp $(IMAGE) target/stickypool-image.first.tar
	STICKYPOOL_IMAGE_CDS=0 bash scripts/build-image.sh
	cmp target/stickypool-image.first.tar $(IMAGE) && echo "image-reproducible: the same bytes twice ($$(sha256sum < $(IMAGE) | cut -c1-16)...)"

clean: ## Remove build output
	$(MVN) -q clean
