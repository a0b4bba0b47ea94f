package render

import (
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

// A Kptfile as Porch and kpt write them must be readable by the strict
// reader.
func TestKptfileReadsEveryKnownField(t *testing.T) {
	const full = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: full
  namespace: ns
  labels:
    a: b
  annotations:
    config.kubernetes.io/local-config: "true"
upstream:
  type: git
  git:
    repo: https://example.com/repo.git
    directory: /basens
    ref: main
  updateStrategy: resource-merge
upstreamLock:
  type: git
  git:
    repo: https://example.com/repo.git
    directory: /basens
    ref: main
    commit: 0123456789abcdef
info:
  description: a package
  site: https://example.com
  emails:
  - a@example.com
  license: Apache-2.0
  keywords:
  - k
  man: man.md
  readinessGates:
  - conditionType: Ready
pipeline:
  mutators:
  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.5
    name: set-ns
    configMap:
      namespace: x
    selectors:
    - kind: ConfigMap
    exclude:
    - name: y
inventory:
  namespace: ns
  name: inv
  inventoryID: 1234
status:
  conditions:
  - type: Ready
    status: "True"
    reason: Ok
    message: fine
`
	r := &renderer{}
	fsys, _, err := cad.Package{"Kptfile": full}.FileSystem()
	if err != nil {
		t.Fatal(err)
	}
	r.fsys = fsys
	kf, err := r.kptfile("")
	if err != nil {
		t.Fatal(err)
	}
	if kf.Pipeline == nil || len(kf.Pipeline.Mutators) != 1 || !strings.HasSuffix(kf.Pipeline.Mutators[0].Image, "v0.4.5") {
		t.Errorf("pipeline = %+v", kf.Pipeline)
	}
}
