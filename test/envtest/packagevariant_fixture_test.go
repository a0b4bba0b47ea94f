package envtest

import (
	"fmt"
	"maps"
	"math/rand/v2"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// variant is a PackageVariant named name that keeps package pkg of
// repository deployments cloned from package app of blueprints, changed
// as change says (when not nil).
func variant(ns, name, pkg string, change func(*configv1alpha1.PackageVariant)) *configv1alpha1.PackageVariant {
	pv := &configv1alpha1.PackageVariant{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: configv1alpha1.PackageVariantSpec{
			Upstream:   &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
			Downstream: &configv1alpha1.Downstream{Repo: "deployments", Package: pkg},
		},
	}
	if change != nil {
		change(pv)
	}
	return pv
}

// variantOf is pv as stored now.
func variantOf(pv *configv1alpha1.PackageVariant) *configv1alpha1.PackageVariant {
	got := &configv1alpha1.PackageVariant{}
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pv), got)).To(Succeed())
	return got
}

// ready says whether pv is Ready for its current generation.
func ready(pv *configv1alpha1.PackageVariant) func() bool {
	return func() bool {
		got := variantOf(pv)
		c := meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady)
		return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == got.Generation
	}
}

// stalled is the reason pv is Stalled for, or "" when it is not.
func stalled(pv *configv1alpha1.PackageVariant) func() string {
	return func() string {
		c := meta.FindStatusCondition(variantOf(pv).Status.Conditions, configv1alpha1.ConditionStalled)
		if c == nil || c.Status != metav1.ConditionTrue {
			return ""
		}
		return c.Reason
	}
}

// withFile is files with one more.
func withFile(files map[string]string, name, content string) map[string]string {
	out := maps.Clone(files)
	out[name] = content
	return out
}

// editOf makes a revision a copy of a published one of its package.
func editOf(name string) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
			Source: &porchv1alpha1.PackageRevisionRef{Name: name}}}}
	}
}

// injectionPoint is a resource of kind (of apiVersion v1) asking to be
// filled from the cluster; a ConfigMap's data and another's spec hold
// "region: unset".
func injectionPoint(kind, name, mode string) string {
	field := "spec"
	if kind == "ConfigMap" {
		field = "data"
	}
	return fmt.Sprintf("apiVersion: v1\nkind: %s\nmetadata:\n  name: %s\n  annotations:\n    kpt.dev/config-injection: %s\n%s:\n  region: unset\n",
		kind, name, mode, field)
}

func randomSuffix() string { return fmt.Sprintf("%04x", rand.IntN(1<<16)) }

func ptr[T any](v T) *T { return &v }

func repositoryNamed(ns, name string) *configv1alpha1.Repository {
	repo := &configv1alpha1.Repository{}
	Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, repo)).To(Succeed())
	return repo
}

func setOf(pvs *configv1alpha1.PackageVariantSet) *configv1alpha1.PackageVariantSet {
	got := &configv1alpha1.PackageVariantSet{}
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pvs), got)).To(Succeed())
	return got
}

// setReady says whether pvs is Ready for its current generation.
func setReady(pvs *configv1alpha1.PackageVariantSet) func() bool {
	return func() bool {
		got := setOf(pvs)
		c := meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady)
		return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == got.Generation
	}
}

// setStalled is the reason pvs is Stalled for, or "" when it is not.
func setStalled(pvs *configv1alpha1.PackageVariantSet) func() string {
	return func() string {
		c := meta.FindStatusCondition(setOf(pvs).Status.Conditions, configv1alpha1.ConditionStalled)
		if c == nil || c.Status != metav1.ConditionTrue {
			return ""
		}
		return c.Reason
	}
}

// variantsOfSet are the names of the PackageVariants pvs made.
func variantsOfSet(pvs *configv1alpha1.PackageVariantSet) func() []string {
	return func() []string {
		list := &configv1alpha1.PackageVariantList{}
		Expect(k8s.List(ctx, list, client.InNamespace(pvs.Namespace),
			client.MatchingLabels{configv1alpha1.PackageVariantSetLabel: string(setOf(pvs).UID)})).To(Succeed())
		names := []string{}
		for _, pv := range list.Items {
			if pv.DeletionTimestamp.IsZero() {
				names = append(names, pv.Name)
			}
		}
		return names
	}
}
