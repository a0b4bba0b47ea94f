package porchctl

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubectl/pkg/cmd/get"
)

// Printing is the output flags of a get command, as kubectl has them:
// -o (json, yaml, name, jsonpath=..., go-template=..., custom-columns=...,
// custom-columns-file=..., wide), --no-headers, --show-labels.
type Printing struct {
	flags      *genericclioptions.PrintFlags
	noHeaders  bool
	showLabels bool
}

// AddPrintFlags binds the output flags to c.
func AddPrintFlags(c *cobra.Command) *Printing {
	p := &Printing{flags: genericclioptions.NewPrintFlags("").WithTypeSetter(Scheme)}
	p.flags.AddFlags(c)
	c.Flags().BoolVar(&p.noHeaders, "no-headers", false, "When using the default or wide output format, don't print headers.")
	c.Flags().BoolVar(&p.showLabels, "show-labels", false, "When printing, show all labels as the last column.")
	return p
}

// Columns and rows of a table, for the default and wide outputs.
type Table struct {
	Columns []metav1.TableColumnDefinition
	// Rows hold the cells and the object of each row.
	Rows []metav1.TableRow
}

// printer is the printer of an output format other than a table's.
func (p *Printing) printer(format string) (printers.ResourcePrinter, error) {
	if strings.HasPrefix(format, "custom-columns") {
		return (&get.CustomColumnsPrintFlags{NoHeaders: p.noHeaders}).ToPrinter(format)
	}
	return p.flags.ToPrinter()
}

// IsTable says whether the flags ask for a table: the default and wide
// outputs.
func (p *Printing) IsTable() bool {
	return p.flags.OutputFormat == nil || *p.flags.OutputFormat == "" || *p.flags.OutputFormat == "wide"
}

// NoResourcesFound says on errOut that a listing found nothing, as kubectl
// does for a table, which then prints nothing else.
func NoResourcesFound(errOut io.Writer, namespace string, allNamespaces bool) {
	if allNamespaces {
		fmt.Fprintln(errOut, "No resources found")
		return
	}
	fmt.Fprintf(errOut, "No resources found in %s namespace.\n", namespace)
}

// Print writes list as the flags ask: a table made by table for the
// default and wide outputs, or the objects otherwise. allNamespaces adds a
// NAMESPACE column to tables.
func (p *Printing) Print(out io.Writer, list runtime.Object, allNamespaces bool, table func(wide bool) Table) error {
	format := ""
	if p.flags.OutputFormat != nil {
		format = *p.flags.OutputFormat
	}
	if format == "" || format == "wide" {
		t := table(format == "wide")
		return printers.NewTablePrinter(printers.PrintOptions{
			NoHeaders: p.noHeaders, WithNamespace: allNamespaces, ShowLabels: p.showLabels, Wide: format == "wide",
		}).PrintObj(&metav1.Table{ColumnDefinitions: t.Columns, Rows: t.Rows}, out)
	}
	printer, err := p.printer(format)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	// As kubectl does, print unstructured objects, which every printer
	// takes, lists included.
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(list)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{Object: content}
	if !meta.IsListType(list) {
		return printer.PrintObj(u, out)
	}
	if u.Object["items"] == nil {
		// An empty list converts with "items": null, which is no list to
		// unstructured: printed as one object, it was "<kind>/<unknown>".
		u.Object["items"] = []any{}
	}
	items, err := u.ToList()
	if err != nil {
		return err
	}
	return printer.PrintObj(items, out)
}
