package rpkg

import (
	"fmt"
	"io"
	"strings"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// reportPush says what became of a push, as upstream porchctl does: the
// render's progress on errOut, then "<name> pushed" on out, or the render's
// error. before is the commit that held the content before the push. A
// render that failed commits nothing, and fails the push; when the
// revision asks to push on render failure it commits the content, and
// still fails the push, saying so.
func reportPush(out, errOut io.Writer, name, before string, prr *porchv1alpha1.PackageRevisionResources) error {
	var rs porchv1alpha1.RenderStatus
	if prr.Status.RenderStatus != nil {
		rs = *prr.Status.RenderStatus
	}
	printRender(errOut, rs.Result)
	switch {
	case rs.Err == "":
		fmt.Fprintf(out, "%s pushed\n", name)
		return nil
	case prr.Status.Commit != before:
		return fmt.Errorf("error rendering package in kpt function pipeline. Package pushed to remote despite render failure. Details: %s", rs.Err)
	default:
		return fmt.Errorf("error rendering package in kpt function pipeline. Package NOT pushed to remote. "+
			"Fix locally (until 'porchctl fn render' succeeds) and retry. Details: %s", rs.Err)
	}
}

// printRender prints each function's run and its structured results.
// Unlike kpt fn render's lines, these have no duration: the render status
// records none.
func printRender(w io.Writer, result porchv1alpha1.ResultList) {
	for _, fn := range result.Items {
		name := fn.Image
		if name == "" {
			name = fn.ExecPath
		}
		fmt.Fprintf(w, "[RUNNING] %q\n", name)
		if fn.ExitCode != 0 {
			fmt.Fprintf(w, "[FAIL] %q\n", name)
		} else {
			fmt.Fprintf(w, "[PASS] %q\n", name)
		}
		if len(fn.Results) == 0 {
			continue
		}
		fmt.Fprintf(w, "  Results:\n")
		for _, item := range fn.Results {
			// One line per result, however long its message.
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(resultLine(item), "\n", " "))
		}
	}
}

// resultLine is a result as kpt prints it:
// [severity] apiVersion/kind/namespace/name field: message.
func resultLine(item porchv1alpha1.ResultItem) string {
	kpt := fnresultv1.ResultItem{Message: item.Message, Severity: framework.Severity(item.Severity)}
	if ref := item.ResourceRef; ref != nil {
		kpt.ResourceRef = &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: ref.APIVersion, Kind: ref.Kind},
			NameMeta: yaml.NameMeta{Name: ref.Name, Namespace: ref.Namespace},
		}
	}
	if item.Field != nil {
		kpt.Field = &fnresultv1.Field{Path: item.Field.Path}
	}
	return kpt.String()
}
