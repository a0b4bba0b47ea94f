package variantset

import (
	"fmt"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Vars are what a template's expressions see of one target.
type Vars struct {
	// RepoDefault and PackageDefault are the downstream the target would get
	// without a template; expressions see them as repoDefault and packageDefault.
	RepoDefault, PackageDefault string
	// Upstream, Target and Repository are the upstream, the selected object
	// and the downstream Repository, as unstructured content; expressions see
	// them as upstream, target and repository. Any of them may be empty.
	Upstream, Target, Repository map[string]any
}

// activation is Vars in the shape a program evaluates against; nil maps
// become empty ones so that has() and size() behave the same on both.
func (v Vars) activation() map[string]any {
	orEmpty := func(m map[string]any) map[string]any {
		if m == nil {
			return map[string]any{}
		}
		return m
	}
	return map[string]any{
		"repoDefault":    v.RepoDefault,
		"packageDefault": v.PackageDefault,
		"upstream":       orEmpty(v.Upstream),
		"target":         orEmpty(v.Target),
		"repository":     orEmpty(v.Repository),
	}
}

// costLimit bounds one evaluation: expressions are written by anyone who can
// create a set, and one that loops over a large object must not hold a
// controller worker.
const costLimit = 1_000_000

// celEnv is built once: an environment is immutable and safe to share, and
// building one is far dearer than compiling an expression in it.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	dynMap := cel.MapType(cel.StringType, cel.DynType)
	return cel.NewEnv(
		cel.Variable("repoDefault", cel.StringType),
		cel.Variable("packageDefault", cel.StringType),
		cel.Variable("upstream", dynMap),
		cel.Variable("target", dynMap),
		cel.Variable("repository", dynMap),
		// Names are built from other names, so the string helpers
		// (lowerAscii, replace, split, ...) are worth having.
		ext.Strings(),
	)
})

// expr is one compiled expression and where it came from, kept for the
// messages of evaluation errors.
type expr struct {
	path   *field.Path
	source string
	prg    cel.Program
}

// compileExpr compiles source, which must yield a string; dyn is let through
// because fields of the map variables are dyn, and is checked on evaluation.
func compileExpr(source string, path *field.Path) (*expr, *field.Error) {
	env, err := celEnv()
	if err != nil {
		return nil, field.InternalError(path, err)
	}
	ast, iss := env.Compile(source)
	if iss.Err() != nil {
		return nil, field.Invalid(path, source, issueReason(iss))
	}
	if out := ast.OutputType(); !out.IsExactType(cel.StringType) && !out.IsExactType(cel.DynType) {
		return nil, field.Invalid(path, source, fmt.Sprintf("gives %s, not a string", out))
	}
	prg, err := env.Program(ast, cel.CostLimit(costLimit))
	if err != nil {
		return nil, field.Invalid(path, source, err.Error())
	}
	return &expr{path: path, source: source, prg: prg}, nil
}

// issueReason puts the compiler's errors on one line: the default rendering
// spans several lines with a caret under the source, which reads badly in a
// condition message.
func issueReason(iss *cel.Issues) string {
	msgs := make([]string, 0, len(iss.Errors()))
	for _, e := range iss.Errors() {
		msgs = append(msgs, fmt.Sprintf("%d:%d: %s", e.Location.Line(), e.Location.Column()+1, e.Message))
	}
	return strings.Join(msgs, "; ")
}

// eval runs the expression; a value that is not a string is an error, as
// the checker could not rule it out for dyn expressions.
func (e *expr) eval(act map[string]any) (string, error) {
	out, _, err := e.prg.Eval(act)
	if err != nil {
		return "", fmt.Errorf("%s: %q: %w", e.path, e.source, err)
	}
	s, ok := out.(types.String)
	if !ok {
		return "", fmt.Errorf("%s: %q gives %s, not a string", e.path, e.source, out.Type().TypeName())
	}
	return string(s), nil
}
