package variant

import (
	"fmt"
	"slices"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

const (
	// ConditionTypePrefix starts the type of the Kptfile condition of each
	// injection point: config.injection.<Kind>.<name>.
	ConditionTypePrefix = "config.injection."
	// ReasonConfigInjected: an in-cluster object filled the point.
	ReasonConfigInjected = "ConfigInjected"
	// ReasonNoResourceSelected: no injector selected an object for the point.
	ReasonNoResourceSelected = "NoResourceSelected"
)

// ConditionType is the type of the Kptfile condition that records whether
// the point was filled.
func (p InjectionPoint) ConditionType() string {
	return ConditionTypePrefix + p.Kind + "." + p.Name
}

// condition says how a point was filled.
func (p InjectionPoint) condition(obj *unstructured.Unstructured) kptfilev1.Condition {
	if obj == nil {
		return kptfilev1.Condition{Type: p.ConditionType(), Status: kptfilev1.ConditionFalse, Reason: ReasonNoResourceSelected,
			Message: "no resource matched any injection selector for this injection point"}
	}
	return kptfilev1.Condition{Type: p.ConditionType(), Status: kptfilev1.ConditionTrue, Reason: ReasonConfigInjected,
		Message: fmt.Sprintf("injected resource %q from cluster", obj.GetName())}
}

// uniqueConditionTypes refuses two points that would share a condition: one
// would hide the other's state.
func uniqueConditionTypes(points []InjectionPoint) error {
	seen := map[string]InjectionPoint{}
	for _, p := range points {
		if q, ok := seen[p.ConditionType()]; ok {
			return fmt.Errorf("%s and %s: two injection points are %s %q; their condition %s would be one",
				q.File, p.File, p.Kind, p.Name, p.ConditionType())
		}
		seen[p.ConditionType()] = p
	}
	return nil
}

// setInjectionStatus records in the Kptfile the condition of every point,
// and a readiness gate on the condition of every required one. Conditions
// and gates of points the package no longer has are removed; the others
// stay where they are.
func setInjectionStatus(files cad.Package, points []InjectionPoint, objects map[InjectionPoint]*unstructured.Unstructured) error {
	content, ok := files[cad.KptfileName]
	if !ok {
		if len(points) == 0 {
			return nil
		}
		return fmt.Errorf("%s: missing: the package has injection points, whose state it records", kptfile.Name)
	}
	// Read leniently: fields this version does not know are the package
	// author's business, and the render reports a Kptfile kpt refuses.
	kf := &kptfile.File{}
	if err := yaml.Unmarshal([]byte(content), kf); err != nil {
		return fmt.Errorf("%s: %w", kptfile.Name, err)
	}
	var oldConditions []kptfilev1.Condition
	if kf.Status != nil {
		oldConditions = kf.Status.Conditions
	}
	var oldGates []kptfilev1.ReadinessGate
	if kf.Info != nil {
		oldGates = kf.Info.ReadinessGates
	}
	conditions := injectionConditions(oldConditions, points, objects)
	gates := injectionGates(oldGates, points)
	if slices.Equal(conditions, oldConditions) && slices.Equal(gates, oldGates) {
		return nil
	}
	node, err := kptfile.Parse(content)
	if err != nil {
		return err
	}
	if err := setList(node, conditions, "status", "conditions"); err != nil {
		return err
	}
	if err := setList(node, gates, "info", "readinessGates"); err != nil {
		return err
	}
	out, err := node.String()
	if err != nil {
		return fmt.Errorf("%s: %w", kptfile.Name, err)
	}
	files[cad.KptfileName] = out
	return nil
}

// injectionConditions updates the points' conditions in place, drops those
// of points gone, and appends those of new points in the points' order.
func injectionConditions(old []kptfilev1.Condition, points []InjectionPoint, objects map[InjectionPoint]*unstructured.Unstructured) []kptfilev1.Condition {
	want := map[string]kptfilev1.Condition{}
	for _, p := range points {
		want[p.ConditionType()] = p.condition(objects[p])
	}
	var out []kptfilev1.Condition
	done := map[string]bool{}
	for _, c := range old {
		if !strings.HasPrefix(c.Type, ConditionTypePrefix) {
			out = append(out, c)
			continue
		}
		if w, ok := want[c.Type]; ok && !done[c.Type] {
			out = append(out, w)
			done[c.Type] = true
		}
	}
	for _, p := range points {
		if !done[p.ConditionType()] {
			out = append(out, want[p.ConditionType()])
			done[p.ConditionType()] = true
		}
	}
	return out
}

// injectionGates keeps one gate per required point, and drops the gates of
// points gone or no longer required: their condition would never come, or
// would not need to.
func injectionGates(old []kptfilev1.ReadinessGate, points []InjectionPoint) []kptfilev1.ReadinessGate {
	want := map[string]bool{}
	for _, p := range points {
		if p.Required {
			want[p.ConditionType()] = true
		}
	}
	var out []kptfilev1.ReadinessGate
	done := map[string]bool{}
	for _, g := range old {
		if !strings.HasPrefix(g.ConditionType, ConditionTypePrefix) {
			out = append(out, g)
			continue
		}
		if want[g.ConditionType] && !done[g.ConditionType] {
			out = append(out, g)
			done[g.ConditionType] = true
		}
	}
	for _, p := range points {
		if t := p.ConditionType(); p.Required && !done[t] {
			out = append(out, kptfilev1.ReadinessGate{ConditionType: t})
			done[t] = true
		}
	}
	return out
}

// setList writes a list of the Kptfile, or removes it when empty.
func setList[T any](node *yaml.RNode, list []T, path ...string) error {
	var err error
	if len(list) == 0 {
		_, err = clearField(node, path...)
	} else {
		var value *yaml.RNode
		if value, err = toNode(list); err == nil {
			_, err = setField(node, value, path...)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %s: %w", kptfile.Name, strings.Join(path, "."), err)
	}
	return nil
}
