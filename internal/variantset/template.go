package variantset

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// Template is a PackageVariantTemplate with its expressions compiled, so a
// set with many targets compiles each expression once, not once per target.
// It is safe for concurrent use and shares no memory with the template it
// was compiled from.
type Template struct {
	// repo and pkg are nil when the template leaves the downstream to the
	// target's defaults.
	repo, pkg *value

	adoption configv1alpha1.AdoptionPolicy
	deletion configv1alpha1.DeletionPolicy

	labels, annotations         map[string]string
	labelExprs, annotationExprs []entry

	contextData      map[string]string
	contextDataExprs []entry
	removeKeys       []string
	removeKeyExprs   []*expr

	validators, mutators []function
	injectors            []injector
}

// value is a field given either as it is or as an expression.
type value struct {
	literal string
	expr    *expr
}

// entry is a map entry whose key and value may each be computed.
type entry struct {
	key, value value
}

// function is a pipeline function whose configMap entries may be computed.
type function struct {
	fn     kptfilev1.Function
	config []entry
}

// injector is an injection selector whose name may be computed.
type injector struct {
	group, version, kind *string
	name                 value
}

// Compile compiles every expression of tmpl; path is tmpl's own, so that
// each error names the exact field its expression is in. A nil template
// compiles to one that gives the target's defaults.
func Compile(tmpl *configv1alpha1.PackageVariantTemplate, path *field.Path) (*Template, field.ErrorList) {
	t := &Template{}
	if tmpl == nil {
		return t, nil
	}
	tmpl = tmpl.DeepCopy()
	c := &compiler{}
	if ds := tmpl.Downstream; ds != nil {
		dsPath := path.Child("downstream")
		if ds.Repo != nil || ds.RepoExpr != nil {
			v := c.value(ds.Repo, ds.RepoExpr, dsPath.Child("repoExpr"))
			t.repo = &v
		}
		if ds.Package != nil || ds.PackageExpr != nil {
			v := c.value(ds.Package, ds.PackageExpr, dsPath.Child("packageExpr"))
			t.pkg = &v
		}
	}
	if tmpl.AdoptionPolicy != nil {
		t.adoption = *tmpl.AdoptionPolicy
	}
	if tmpl.DeletionPolicy != nil {
		t.deletion = *tmpl.DeletionPolicy
	}
	t.labels = tmpl.Labels
	t.labelExprs = c.entries(tmpl.LabelExprs, path.Child("labelExprs"))
	t.annotations = tmpl.Annotations
	t.annotationExprs = c.entries(tmpl.AnnotationExprs, path.Child("annotationExprs"))
	if pc := tmpl.PackageContext; pc != nil {
		pcPath := path.Child("packageContext")
		t.contextData = pc.Data
		t.contextDataExprs = c.entries(pc.DataExprs, pcPath.Child("dataExprs"))
		t.removeKeys = pc.RemoveKeys
		for i, src := range pc.RemoveKeyExprs {
			if e := c.expr(src, pcPath.Child("removeKeyExprs").Index(i)); e != nil {
				t.removeKeyExprs = append(t.removeKeyExprs, e)
			}
		}
	}
	if p := tmpl.Pipeline; p != nil {
		pPath := path.Child("pipeline")
		t.validators = c.functions(p.Validators, pPath.Child("validators"))
		t.mutators = c.functions(p.Mutators, pPath.Child("mutators"))
	}
	for i, inj := range tmpl.Injectors {
		iPath := path.Child("injectors").Index(i)
		t.injectors = append(t.injectors, injector{
			group:   inj.Group,
			version: inj.Version,
			kind:    inj.Kind,
			name:    c.value(inj.Name, inj.NameExpr, iPath.Child("nameExpr")),
		})
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return t, nil
}

// compiler collects the errors of every expression of a template, so that
// one pass reports them all rather than one per attempt.
type compiler struct {
	errs field.ErrorList
}

func (c *compiler) expr(source string, path *field.Path) *expr {
	e, err := compileExpr(source, path)
	if err != nil {
		c.errs = append(c.errs, err)
	}
	return e
}

// value compiles source when it is set and takes literal otherwise; the
// API's rules allow only one of them, so which wins when both are set does
// not arise.
func (c *compiler) value(literal, source *string, path *field.Path) value {
	if source != nil {
		return value{expr: c.expr(*source, path)}
	}
	if literal != nil {
		return value{literal: *literal}
	}
	return value{}
}

func (c *compiler) entries(list []configv1alpha1.MapExpr, path *field.Path) []entry {
	var out []entry
	for i, m := range list {
		ePath := path.Index(i)
		out = append(out, entry{
			key:   c.value(m.Key, m.KeyExpr, ePath.Child("keyExpr")),
			value: c.value(m.Value, m.ValueExpr, ePath.Child("valueExpr")),
		})
	}
	return out
}

func (c *compiler) functions(list []configv1alpha1.FunctionTemplate, path *field.Path) []function {
	var out []function
	for i, f := range list {
		out = append(out, function{
			fn:     f.Function,
			config: c.entries(f.ConfigMapExprs, path.Index(i).Child("configMapExprs")),
		})
	}
	return out
}
