#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver and etcd), and the kubectl
# of the same version that the end-to-end tests drive it with, from the Go
# module proxy, because prebuilt binaries cannot be downloaded here. The
# binaries are cached in a versioned folder under bin/; a second run only
# prints the path.
#
# Usage: hack/setup-envtest.sh [DEST_ROOT]
# Prints the folder to use as KUBEBUILDER_ASSETS on its last line of stdout.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-3.6.7}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_root="${1:-${root}/bin/k8s}"
dest="${dest_root}/${K8S_VERSION}-etcd${ETCD_VERSION}-$(go env GOOS)-$(go env GOARCH)"

if [[ -x "${dest}/kube-apiserver" && -x "${dest}/etcd" && -x "${dest}/kubectl" ]]; then
  echo "${dest}"
  exit 0
fi

log() { echo "setup-envtest: $*" >&2; }

work="$(mktemp -d)"
trap 'chmod -R u+w "${work}" 2>/dev/null; rm -rf "${work}"' EXIT
mkdir -p "${dest}"

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

build_etcd() {
  [[ -x "${dest}/etcd" ]] && return 0
  log "building etcd v${ETCD_VERSION} (about 2 minutes on 2 cores)"
  mkdir -p "${work}/etcd" && cd "${work}/etcd"
  go mod init envtest.local/etcd >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" >&2
  go build -trimpath -o "${work}/etcd.bin" go.etcd.io/etcd/server/v3
  mv "${work}/etcd.bin" "${dest}/etcd"
}

# kubernetes_module makes a module in the current folder that can build
# kubernetes' commands at K8S_VERSION.
kubernetes_module() {
  go mod init envtest.local/kubernetes >/dev/null 2>&1
  # kubernetes' own go.mod points every staging module at ./staging; a
  # wrapper module must point them at the published v0.X.Y modules instead.
  local gomod staging_version
  gomod="$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  staging_version="v0.${K8S_VERSION#1.}"
  {
    echo "require k8s.io/kubernetes v${K8S_VERSION}"
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/.*#\t\1 => \1 '"${staging_version}"'#p' "${gomod}"
    echo ")"
  } >>go.mod
}

# build_kubernetes builds the named commands of kubernetes (under cmd/) that
# are not there yet, with the version they report set as a release's.
build_kubernetes() {
  local missing=()
  for c in "$@"; do [[ -x "${dest}/${c}" ]] || missing+=("${c}"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "building ${missing[*]} v${K8S_VERSION} (about 6 minutes on 2 cores)"
  mkdir -p "${work}/kubernetes" && cd "${work}/kubernetes"
  kubernetes_module
  local pkgs=()
  for c in "${missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/${c}"); done
  go get "${pkgs[@]/%/@v${K8S_VERSION}}" >&2
  local pkg=k8s.io/component-base/version cgo=k8s.io/client-go/pkg/version
  local minor="${K8S_VERSION#1.}"; minor="${minor%%.*}"
  local ldflags=""
  for p in "${pkg}" "${cgo}"; do
    ldflags+=" -X ${p}.gitVersion=v${K8S_VERSION} -X ${p}.gitMajor=1 -X ${p}.gitMinor=${minor}"
    ldflags+=" -X ${p}.gitTreeState=clean -X ${p}.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "${work}/out"
  go build -trimpath -ldflags "${ldflags}" -o "${work}/out/" "${pkgs[@]}"
  for c in "${missing[@]}"; do mv "${work}/out/${c}" "${dest}/${c}"; done
}

build_etcd
build_kubernetes kube-apiserver kubectl
log "control plane ready in ${dest}"
echo "${dest}"
