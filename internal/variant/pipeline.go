package variant

import (
	"fmt"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// FunctionPrefix starts the name of every pipeline function a
// PackageVariant adds: PackageVariant.<pv>.<name>.<index>. The name tells
// which PackageVariant owns the function, so that each one replaces its own
// functions and leaves the others' and the package author's alone.
const FunctionPrefix = "PackageVariant."

// FunctionName is the name a PackageVariant's function gets in the Kptfile;
// index is the function's position in the PackageVariant's list.
func FunctionName(pv, name string, index int) string {
	return fmt.Sprintf("%s%s.%s.%d", FunctionPrefix, pv, name, index)
}

// ownFunction says whether a Kptfile function is one of pv's. The rest of
// the name must be exactly <name>.<index>, with no dot in name: a
// PackageVariant named "a" does not own the functions of one named "a.b".
func ownFunction(pv, name string) bool {
	rest, ok := strings.CutPrefix(name, FunctionPrefix+pv+".")
	if !ok {
		return false
	}
	fn, index, ok := strings.Cut(rest, ".")
	return ok && fn != "" && index != "" && strings.Trim(index, "0123456789") == ""
}

// setPipeline puts the PackageVariant's functions first in the Kptfile's
// pipeline, in place of those it added before. With no pipeline in the
// spec, its old functions are only removed.
func setPipeline(files cad.Package, pv string, pipeline *kptfilev1.Pipeline) error {
	content, ok := files[cad.KptfileName]
	if !ok {
		if pipeline.IsEmpty() {
			return nil
		}
		return fmt.Errorf("spec.pipeline: the package has no %s to add functions to", kptfile.Name)
	}
	node, err := kptfile.Parse(content)
	if err != nil {
		return err
	}
	var mutators, validators []kptfilev1.Function
	if pipeline != nil {
		mutators, validators = pipeline.Mutators, pipeline.Validators
	}
	changedM, err := setFunctions(node, pv, "mutators", mutators)
	if err != nil {
		return err
	}
	changedV, err := setFunctions(node, pv, "validators", validators)
	if err != nil {
		return err
	}
	if !changedM && !changedV {
		return nil
	}
	out, err := node.String()
	if err != nil {
		return fmt.Errorf("%s: %w", kptfile.Name, err)
	}
	files[cad.KptfileName] = out
	return nil
}

// setFunctions edits one list of the pipeline. The functions kept are the
// nodes of the file, so that their comments stay.
func setFunctions(kf *yaml.RNode, pv, list string, fns []kptfilev1.Function) (bool, error) {
	existing, err := kf.Pipe(yaml.Lookup("pipeline", list))
	if err != nil {
		return false, fmt.Errorf("%s: pipeline.%s: %w", kptfile.Name, list, err)
	}
	var have []*yaml.Node
	if existing != nil {
		if existing.YNode().Kind != yaml.SequenceNode {
			return false, fmt.Errorf("%s: pipeline.%s: want a list", kptfile.Name, list)
		}
		have = existing.Content()
	}
	want := make([]*yaml.Node, 0, len(fns)+len(have))
	for i, fn := range fns {
		fn.Name = FunctionName(pv, fn.Name, i)
		n, err := toNode(fn)
		if err != nil {
			return false, fmt.Errorf("%s: pipeline.%s: %w", kptfile.Name, list, err)
		}
		want = append(want, n.YNode())
	}
	for _, n := range have {
		if !ownFunction(pv, functionName(n)) {
			want = append(want, n)
		}
	}
	if sameFunctions(have, want) {
		return false, nil
	}
	if len(want) == 0 {
		return clearField(kf, "pipeline", list)
	}
	if existing != nil {
		// In place, so that a comment on the list's key stays.
		existing.YNode().Content = want
		return true, nil
	}
	seq := yaml.NewListRNode()
	seq.YNode().Content = want
	return setField(kf, seq, "pipeline", list)
}

func functionName(n *yaml.Node) string {
	f := yaml.NewRNode(n).Field("name")
	if f == nil || f.Value.YNode().Kind != yaml.ScalarNode {
		return ""
	}
	return f.Value.YNode().Value
}

func sameFunctions(a, b []*yaml.Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameData(a[i], b[i]) {
			return false
		}
	}
	return true
}
