package porchctl

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// An empty list prints nothing in every format that lists names or
// objects, as kubectl does; it printed "packagerevisionlist.porch.kpt.dev/<unknown>".
func TestPrintEmptyList(t *testing.T) {
	for format, want := range map[string]string{"name": "", "jsonpath={.items[*].metadata.name}": ""} {
		c := &cobra.Command{}
		p := AddPrintFlags(c)
		if err := c.Flags().Set("output", format); err != nil {
			t.Fatal(err)
		}
		list := &porchv1alpha1.PackageRevisionList{}
		list.SetGroupVersionKind(porchv1alpha1.GroupVersion.WithKind("PackageRevisionList"))
		var out bytes.Buffer
		if err := p.Print(&out, list, false, func(bool) Table { return Table{} }); err != nil {
			t.Fatalf("-o %s: %v", format, err)
		}
		if out.String() != want {
			t.Errorf("-o %s printed %q, want %q", format, out.String(), want)
		}
	}
}
