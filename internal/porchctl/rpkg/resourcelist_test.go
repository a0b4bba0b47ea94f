package rpkg

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

var samplePackage = cad.Package{
	"Kptfile":   "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\ninfo:\n  description: my app\n",
	"README.md": "# app\n",
	"sub/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\ndata:\n  k: v\n" +
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
	"list.yaml": "apiVersion: v1\nkind: List\nitems:\n- a\n- b\n",
}

func TestResourceListAsUpstreamWritesIt(t *testing.T) {
	var out bytes.Buffer
	files := cad.Package{"Kptfile": samplePackage["Kptfile"], "README.md": "# app\n",
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: game-config\ndata:\n  foo: bar\n"}
	if err := writeResourceList(&out, files); err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: kpt.dev/v1
  kind: Kptfile
  metadata:
    name: app
    annotations:
      config.kubernetes.io/local-config: "true"
      config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/path: 'Kptfile'
      config.kubernetes.io/path: 'Kptfile'
  info:
    description: my app
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: game-config
    annotations:
      config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/path: 'cm.yaml'
      config.kubernetes.io/path: 'cm.yaml'
  data:
    foo: bar
`
	same(t, "ResourceList", want, out.String())
}

func TestResourceListRoundTrip(t *testing.T) {
	var out bytes.Buffer
	if err := writeResourceList(&out, samplePackage); err != nil {
		t.Fatal(err)
	}
	got, err := readResourceList(&out)
	if err != nil {
		t.Fatal(err)
	}
	want := samplePackage.Copy()
	delete(want, "README.md") // a ResourceList carries resources only
	same(t, "files", want, got)
}

func TestResourceListWithoutPaths(t *testing.T) {
	in := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n"
	got, err := readResourceList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := cad.Package{
		"ns/a.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n",
		"non-namespaced/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
	}
	same(t, "files", want, got)
}

func TestRevisionMetadata(t *testing.T) {
	prr := &porchv1alpha1.PackageRevisionResources{ObjectMeta: metav1.ObjectMeta{
		Name: "repo.app.v1", Namespace: "ns", ResourceVersion: "42", Labels: map[string]string{"l": "v"}, Generation: 5, UID: "u-1",
		CreationTimestamp: metav1.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ManagedFields:     []metav1.ManagedFieldsEntry{{Manager: "someone"}},
		OwnerReferences:   []metav1.OwnerReference{{Kind: "Repository", Name: "repo"}},
	}, Status: porchv1alpha1.PackageRevisionResourcesStatus{Commit: "abc123"}}
	files, err := withMetadata(cad.Package{"Kptfile": "x"}, prr)
	if err != nil {
		t.Fatal(err)
	}
	// Upstream's shape: no apiVersion, and of the metadata only what
	// identifies the revision and the version pulled, with the commit.
	want := "apiVersion: \"\"\nkind: KptRevisionMetadata\nmetadata:\n" +
		"  name: repo.app.v1\n  namespace: ns\n  creationTimestamp: \"2026-01-02T03:04:05Z\"\n  resourceVersion: \"42\"\n  uid: u-1\n" +
		"  annotations:\n    porch.kpt.dev/pulled-commit: abc123\n"
	same(t, ".KptRevisionMetadata", want, files[".KptRevisionMetadata"])
	// The shape this CLI wrote before is still pushed.
	old := "apiVersion: porch.kpt.dev/v1alpha1\nkind: KptRevisionMetadata\nmetadata:\n" +
		"  generation: 5\n  labels:\n    l: v\n  name: repo.app.v1\n  namespace: ns\n  resourceVersion: \"41\"\n"
	if _, p, err := withoutMetadata(cad.Package{".KptRevisionMetadata": old}, "ns", "repo.app.v1"); err != nil || p != (pulled{version: "41"}) {
		t.Errorf("the earlier shape: %+v, %v; want resourceVersion 41", p, err)
	}
	back, pulledVersion, err := withoutMetadata(files, "ns", "repo.app.v1")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "files", cad.Package{"Kptfile": "x"}, back)
	if pulledVersion != (pulled{version: "42", commit: "abc123"}) {
		t.Errorf("the pull recorded %+v, want version 42 and commit abc123", pulledVersion)
	}
	// Metadata without a resourceVersion holds a push to nothing.
	_, pulledVersion, err = withoutMetadata(cad.Package{".KptRevisionMetadata": "apiVersion: porch.kpt.dev/v1alpha1\nkind: KptRevisionMetadata\nmetadata:\n  name: repo.app.v1\n"}, "ns", "repo.app.v1")
	if err != nil || pulledVersion != (pulled{}) {
		t.Errorf("metadata without a resourceVersion: %+v, %v; want none and no error", pulledVersion, err)
	}
}

func TestPushRefusesContentWithoutMetadata(t *testing.T) {
	for name, files := range map[string]cad.Package{
		"missing":    {"Kptfile": "x"},
		"other kind": {"Kptfile": "x", ".KptRevisionMetadata": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := withoutMetadata(files, "ns", "repo.app.v1")
			if err == nil || !strings.Contains(err.Error(), `".KptRevisionMetadata"`) || strings.Contains(err.Error(), "\n") {
				t.Errorf("want a one-line error naming .KptRevisionMetadata, got %v", err)
			}
		})
	}
}

func TestFolderRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	if err := writeFolder(dir, samplePackage, revisionResources("repo.app.v1", "v1"), false); err != nil {
		t.Fatal(err)
	}
	got, err := readFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "files", samplePackage, got)
	if err := writeFolder(dir, samplePackage, revisionResources("repo.app.v1", "v1"), false); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second pull into %s: want it refused, got %v", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logo.png"), []byte{0xff, 0xfe, 0x00}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readFolder(dir); err == nil || !strings.Contains(err.Error(), "logo.png is not a valid UTF-8 text file") {
		t.Errorf("want a binary file refused, got %v", err)
	}
}

// same fails t when got is not want, showing both.
func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s:\n%v\nwant\n%v", what, got, want)
	}
}

// A pull into a folder that holds a pull of the same package updates it,
// as upstream's does; a folder of another package's is refused, saying
// how to overwrite it, unless forced.
func TestPullOverAFolderOfTheSamePackage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	v1 := revisionResources("repo.app.v1", "v1")
	pulled, err := withMetadata(samplePackage, v1)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFolder(dir, pulled, v1, false); err != nil {
		t.Fatal(err)
	}
	for _, same := range []*porchv1alpha1.PackageRevisionResources{v1, revisionResources("repo.app.v2", "v2")} {
		if err := writeFolder(dir, pulled, same, false); err != nil {
			t.Errorf("a pull of %s over a pull of repo.app.v1: %v", same.Name, err)
		}
	}
	for _, other := range []*porchv1alpha1.PackageRevisionResources{revisionResources("repo.other.v1", "v1"),
		revisionResources("repo.app.sub.v1", "v1"), revisionResources("elsewhere.app.v1", "v1")} {
		err := writeFolder(dir, pulled, other, false)
		if err == nil || !strings.HasSuffix(err.Error(), "already exists, please delete the directory and retry; you may overwrite the directory with --force") {
			t.Errorf("a pull of %s over a pull of repo.app.v1: want it refused, got %v", other.Name, err)
		}
		if err := writeFolder(dir, pulled, other, true); err != nil {
			t.Errorf("a forced pull of %s: %v", other.Name, err)
		}
	}
}

func revisionResources(name, workspace string) *porchv1alpha1.PackageRevisionResources {
	return &porchv1alpha1.PackageRevisionResources{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec: porchv1alpha1.PackageRevisionResourcesSpec{WorkspaceName: workspace}}
}
