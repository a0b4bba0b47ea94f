package builtin

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/porch-dev/porch/internal/cad"
)

// resourceList wraps a functionConfig and items, each YAML, into the
// ResourceList an orchestrator sends.
func resourceList(functionConfig string, items ...string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, it := range items {
		b.WriteString(indentItem(it))
	}
	if functionConfig != "" {
		b.WriteString("functionConfig:\n")
		for _, line := range strings.Split(strings.TrimRight(functionConfig, "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	return []byte(b.String())
}

func indentItem(item string) string {
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimRight(item, "\n"), "\n") {
		if i == 0 {
			b.WriteString("- " + line + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

// items returns a ResourceList's items as a YAML stream in a normal form,
// so that expectations are written as plain documents.
func items(t *testing.T, rl []byte) string {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(rl), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("output is not a ResourceList: %v\n%s", err, rl)
	}
	var out bytes.Buffer
	if err := (kio.ByteWriter{Writer: &out}).Write(nodes); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// normal puts expected documents in the form items gives.
func normal(t *testing.T, docs ...string) string {
	t.Helper()
	var in strings.Builder
	for _, d := range docs {
		in.WriteString(indentItem(d))
	}
	return items(t, []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"+in.String()))
}

// fnCase is one documented example: a functionConfig, input items and the
// items expected, or an error expected to contain wantErr.
type fnCase struct {
	name           string
	image          string
	functionConfig string
	in             []string
	want           []string
	wantErr        string
}

// runCases runs every case both ways a builtin runs: on a ResourceList in
// YAML, as the gRPC service does, and on parsed resources, as the engine
// does in-process. Both must give the expected items or error.
func runCases(t *testing.T, cases []fnCase, opts ...Option) {
	t.Helper()
	e := New(opts...)
	for _, tc := range cases {
		in := resourceList(tc.functionConfig, tc.in...)
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := e.Evaluate(context.Background(), tc.image, in)
			checkCase(t, tc, out, err)
		})
		t.Run(tc.name+"/parsed", func(t *testing.T) {
			rl := parsed(t, in)
			// The caller reconciles path annotations, as the engine does.
			annotations, err := kio.PreprocessResourcesForInternalAnnotationMigration(rl.Items)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.EvaluateNodes(context.Background(), tc.image, &rl)
			if rerr := kio.ReconcileInternalAnnotations(rl.Items, annotations); rerr != nil {
				t.Fatal(rerr)
			}
			checkCase(t, tc, encoded(t, rl), err)
		})
	}
}

func checkCase(t *testing.T, tc fnCase, out []byte, err error) {
	t.Helper()
	if tc.wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Fatalf("want an error containing %q, got %v\n%s", tc.wantErr, err, out)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got, want := items(t, out), normal(t, tc.want...); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// parsed is a ResourceList as the engine hands it to EvaluateNodes.
func parsed(t *testing.T, rl []byte) cad.ResourceList {
	t.Helper()
	r := &kio.ByteReader{Reader: bytes.NewReader(rl), OmitReaderAnnotations: true}
	nodes, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	return cad.ResourceList{Items: nodes, FunctionConfig: r.FunctionConfig}
}

// encoded writes rl's items as a ResourceList, for the checks of items.
func encoded(t *testing.T, rl cad.ResourceList) []byte {
	t.Helper()
	var out bytes.Buffer
	w := kio.ByteWriter{Writer: &out, WrappingAPIVersion: "config.kubernetes.io/v1", WrappingKind: kio.ResourceListKind, KeepReaderAnnotations: true}
	if err := w.Write(rl.Items); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// replace is strings.Replace of every old, for expectations written as
// edits of their input.
func replace(s, old, new string) string { return strings.ReplaceAll(s, old, new) }
