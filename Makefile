# The project's build, generate, test and run targets (kubebuilder's layout).

# Versions of the tools this Makefile installs into bin/.
CONTROLLER_TOOLS_VERSION ?= v0.23.0
ENVTEST_K8S_VERSION ?= 1.36.3
ENVTEST_ETCD_VERSION ?= 3.6.7

LOCALBIN ?= $(CURDIR)/bin
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen-$(CONTROLLER_TOOLS_VERSION)
LOCAL_DIR ?= $(CURDIR)/.porch
# Builds the control plane if needed and prints the folder holding it.
ENVTEST_ASSETS = K8S_VERSION=$(ENVTEST_K8S_VERSION) ETCD_VERSION=$(ENVTEST_ETCD_VERSION) hack/setup-envtest.sh $(LOCALBIN)/k8s | tail -n1

GO ?= go
export GOTOOLCHAIN ?= local
# The kptdev modules are served by the proxy but not listed in the checksum database.
export GONOSUMDB ?= github.com/kptdev

# Setting SHELL to bash allows bash commands to be executed by recipes.
SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

##@ General

.PHONY: all
all: build ## Build the binaries (the default target).

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate CRDs, RBAC and webhook manifests.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd webhook paths="./..." output:crd:artifacts:config=config/crd/bases

.PHONY: generate
generate: controller-gen ## Generate DeepCopy methods.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## Run go fmt.
	$(GO) fmt ./...

.PHONY: vet
vet: ## Run go vet.
	$(GO) vet ./...

.PHONY: test
test: manifests generate fmt vet envtest ## Run every test (unit and envtest) with the race detector, then each fuzzer briefly.
	KUBEBUILDER_ASSETS="$$($(ENVTEST_ASSETS))" \
		$(GO) test -race -count=1 -timeout 45m ./...
	$(MAKE) fuzz

# Each fuzzer as package:Name. Their seed corpora (f.Add, and testdata/fuzz/
# of each package, where findings are kept) run in every `go test` too.
FUZZERS = \
	./internal/cad/kptfile:FuzzRead \
	./internal/git:FuzzCheckFilePath \
	./internal/git:FuzzParseAnnotations \
	./internal/webhook:FuzzPathProblem \
	./internal/webhook:FuzzPackageRevisionAdmission \
	./internal/webhook:FuzzPackageRevisionResourcesAdmission \
	./internal/variantset:FuzzTemplate
# A count of runs, not a duration: when a duration ends while a worker is
# busy, as on a loaded machine, Go's fuzzing coordinator can fail the
# fuzzer with "context deadline exceeded" though it found nothing.
FUZZTIME ?= 1500x

.PHONY: fuzz
fuzz: ## Run each fuzzer FUZZTIME (1500x: that many inputs); a failing input is written to the package's testdata/fuzz.
	@for f in $(FUZZERS); do \
		echo "fuzz: $${f#*:} in $${f%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${f#*:}\$$" -fuzztime $(FUZZTIME) "$${f%%:*}" || exit 1; \
	done

.PHONY: bench
bench: envtest ## Run the benchmarks (sync at scale, authoring, variants, webhooks; render and upgrade against kpt) and print their figures as one table against the targets; BENCH_QUICK=1 runs them at a tenth of the scale, without the engine's, in minutes.
	KUBEBUILDER_ASSETS="$$($(ENVTEST_ASSETS))" \
		$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./test/bench/ | tee $(LOCALBIN)/bench.txt
	if [ "$${BENCH_QUICK:-}" != 1 ]; then $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./test/bench/engine/; fi
	$(GO) run ./hack/benchtable $(LOCALBIN)/bench.txt

.PHONY: verify
verify: manifests generate fmt ## Regenerate everything and fail if the tree changed.
	$(GO) mod tidy
	@if [ -n "$$(git status --porcelain)" ]; then \
		echo "verify: regenerating changed the tree; run 'make manifests generate fmt' and 'go mod tidy' and commit:"; \
		git status --porcelain; git --no-pager diff --stat; exit 1; \
	fi

# Versions of the code generators of the runner's gRPC API.
PROTOC_GEN_GO_VERSION ?= v1.36.12
PROTOC_GEN_GO_GRPC_VERSION ?= v1.6.0

.PHONY: proto
proto: ## Regenerate the runner's gRPC code (needs protoc on PATH).
	GOBIN=$(LOCALBIN) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(LOCALBIN) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	PATH="$(LOCALBIN):$$PATH" protoc --proto_path=runner/evaluatorpb \
		--go_out=runner/evaluatorpb --go_opt=paths=source_relative \
		--go-grpc_out=runner/evaluatorpb --go-grpc_opt=paths=source_relative \
		runner/evaluatorpb/evaluator.proto

##@ Build

# What porchctl version prints: the checkout's tag (or commit) and commit.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
VERSION_LDFLAGS = -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: build
build: manifests generate fmt vet binaries ## Regenerate, check, and build the binaries into bin/.

.PHONY: binaries
binaries: ## Build the binaries into bin/, from the sources as they are (go's cache makes an unchanged build take seconds).
	$(GO) build -o $(LOCALBIN)/manager ./cmd/manager
	$(GO) build -o $(LOCALBIN)/runner ./cmd/runner
	# Beside the manager and the runner: their starlark runs in it.
	$(GO) build -o $(LOCALBIN)/isolated-function ./cmd/isolated-function
	# Static: it runs inside any function's image.
	CGO_ENABLED=0 $(GO) build -o $(LOCALBIN)/wrapper-server ./cmd/wrapper-server
	$(GO) build -ldflags "$(VERSION_LDFLAGS)" -o $(LOCALBIN)/porchctl ./cmd/porchctl

.PHONY: run
run: binaries envtest ## Run the product locally: control plane, CRDs, manager and a git server, no cluster needed.
	KUBEBUILDER_ASSETS="$$($(ENVTEST_ASSETS))" \
		exec $(LOCALBIN)/manager --local-dir=$(LOCAL_DIR)

# run-cluster installs the CRDs only, not the webhook configuration, and has
# no serving certificate: the manager runs without its webhooks unless told
# otherwise, e.g. RUN_CLUSTER_ARGS="--webhook-cert-path=DIR".
RUN_CLUSTER_ARGS ?= --enable-webhooks=false

.PHONY: run-cluster
run-cluster: build ## Run the manager against the cluster of the current kubeconfig.
	kubectl apply -k config/crd
	$(LOCALBIN)/manager $(RUN_CLUSTER_ARGS)

##@ Images

# Where make images-push pushes (e.g. ghcr.io/example), and the images' tag.
IMG_REGISTRY ?=
IMG_TAG ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
PLATFORMS ?= linux/amd64,linux/arm64

.PHONY: images
images: ## Build the manager's, the runner's and the wrapper server's images for PLATFORMS into OCI layouts under bin/images, without Docker.
	$(GO) run ./hack/images --out $(LOCALBIN)/images --tag $(IMG_TAG) --platforms $(PLATFORMS)

.PHONY: images-push
images-push: ## Build the images and push them to IMG_REGISTRY as porch-<name>:IMG_TAG.
	@test -n "$(IMG_REGISTRY)" || { echo "IMG_REGISTRY is not set: make images-push IMG_REGISTRY=ghcr.io/example"; exit 1; }
	$(GO) run ./hack/images --out $(LOCALBIN)/images --tag $(IMG_TAG) --platforms $(PLATFORMS) --registry $(IMG_REGISTRY)

##@ Deployment

.PHONY: deploy
deploy: ## Install config/default (manager, runner, webhooks; needs cert-manager) in the current kubeconfig's cluster, with the images IMG_REGISTRY/porch-*:IMG_TAG.
	@test -n "$(IMG_REGISTRY)" || { echo "IMG_REGISTRY is not set: make deploy IMG_REGISTRY=ghcr.io/example IMG_TAG=v1"; exit 1; }
	$(GO) run ./hack/deployoverlay --dir $(CURDIR)/bin/deploy --registry $(IMG_REGISTRY) --tag $(IMG_TAG)
	kubectl apply --server-side --force-conflicts -k $(CURDIR)/bin/deploy

.PHONY: undeploy
undeploy: ## Remove what make deploy installed, CRDs and the packages' objects with them.
	$(GO) run ./hack/deployoverlay --dir $(CURDIR)/bin/deploy --registry $(or $(IMG_REGISTRY),placeholder) --tag $(IMG_TAG)
	kubectl delete --ignore-not-found -k $(CURDIR)/bin/deploy

##@ Dependencies

.PHONY: envtest
envtest: ## Build the envtest control plane (kube-apiserver, etcd) and kubectl from source, once.
	@$(ENVTEST_ASSETS)

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/.
$(CONTROLLER_GEN):
	@mkdir -p $(LOCALBIN)
	GOBIN=$(LOCALBIN)/.install $(GO) install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)
	mv $(LOCALBIN)/.install/controller-gen $(CONTROLLER_GEN) && rmdir $(LOCALBIN)/.install

.PHONY: clean
clean: ## Remove everything the build made under bin/ (binaries, images, deploy overlay, tools, test binaries) and cover.out; keeps the control plane, which takes long to build.
	[ ! -d $(LOCALBIN) ] || find $(LOCALBIN) -mindepth 1 -maxdepth 1 ! -name k8s -exec rm -rf {} +
	rm -f cover.out

.PHONY: clean-all
clean-all: clean ## Also remove the control plane make envtest built, and the local mode's state (LOCAL_DIR).
	rm -rf $(LOCALBIN) $(LOCAL_DIR)