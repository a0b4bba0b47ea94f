package variantset

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// Spec evaluates the template for one target. The result is the same for
// the same inputs, down to nil against empty: the controller compares it
// with the existing PackageVariant's spec, and the API server drops empty
// maps and lists, so an empty one here would look like a change every time.
func (t *Template) Spec(upstream *configv1alpha1.Upstream, vars Vars) (configv1alpha1.PackageVariantSpec, error) {
	ev := evaluator{act: vars.activation()}
	spec := configv1alpha1.PackageVariantSpec{
		Upstream: upstream.DeepCopy(),
		Downstream: &configv1alpha1.Downstream{
			Repo:    ev.valueOr(t.repo, vars.RepoDefault),
			Package: ev.valueOr(t.pkg, vars.PackageDefault),
		},
		AdoptionPolicy: t.adoption,
		DeletionPolicy: t.deletion,
		Labels:         ev.mapOf(t.labels, t.labelExprs),
		Annotations:    ev.mapOf(t.annotations, t.annotationExprs),
		PackageContext: ev.packageContext(t),
		Pipeline:       ev.pipeline(t),
		Injectors:      ev.injectors(t.injectors),
	}
	if ev.err != nil {
		return configv1alpha1.PackageVariantSpec{}, ev.err
	}
	return spec, nil
}

// evaluator keeps the first error so the spec can be built in one
// expression; later evaluations are skipped once one has failed.
type evaluator struct {
	act map[string]any
	err error
}

func (ev *evaluator) value(v value) string {
	if v.expr == nil || ev.err != nil {
		return v.literal
	}
	s, err := v.expr.eval(ev.act)
	if err != nil {
		ev.err = err
	}
	return s
}

func (ev *evaluator) valueOr(v *value, def string) string {
	if v == nil {
		return def
	}
	return ev.value(*v)
}

// mapOf copies plain, then sets exprs in order, so a later entry wins over
// an earlier one and over plain.
func (ev *evaluator) mapOf(plain map[string]string, exprs []entry) map[string]string {
	if len(plain) == 0 && len(exprs) == 0 {
		return nil
	}
	out := make(map[string]string, len(plain)+len(exprs))
	for k, v := range plain {
		out[k] = v
	}
	for _, e := range exprs {
		out[ev.value(e.key)] = ev.value(e.value)
	}
	return out
}

func (ev *evaluator) packageContext(t *Template) *configv1alpha1.PackageContext {
	data := ev.mapOf(t.contextData, t.contextDataExprs)
	var remove []string
	if len(t.removeKeys)+len(t.removeKeyExprs) > 0 {
		remove = append(remove, t.removeKeys...)
		for _, e := range t.removeKeyExprs {
			remove = append(remove, ev.value(value{expr: e}))
		}
	}
	if data == nil && remove == nil {
		return nil
	}
	return &configv1alpha1.PackageContext{Data: data, RemoveKeys: remove}
}

func (ev *evaluator) pipeline(t *Template) *kptfilev1.Pipeline {
	if len(t.validators) == 0 && len(t.mutators) == 0 {
		return nil
	}
	return &kptfilev1.Pipeline{
		Validators: ev.functions(t.validators),
		Mutators:   ev.functions(t.mutators),
	}
}

func (ev *evaluator) functions(list []function) []kptfilev1.Function {
	var out []kptfilev1.Function
	for _, f := range list {
		fn := *f.fn.DeepCopy()
		fn.ConfigMap = ev.mapOf(fn.ConfigMap, f.config)
		out = append(out, fn)
	}
	return out
}

func (ev *evaluator) injectors(list []injector) []configv1alpha1.InjectionSelector {
	var out []configv1alpha1.InjectionSelector
	for _, inj := range list {
		out = append(out, configv1alpha1.InjectionSelector{
			Group:   copyString(inj.group),
			Version: copyString(inj.version),
			Kind:    copyString(inj.kind),
			Name:    ev.value(inj.name),
		})
	}
	return out
}

// copyString keeps the spec from sharing memory with the template, which
// is reused for every target.
func copyString(s *string) *string {
	if s == nil {
		return nil
	}
	v := *s
	return &v
}
