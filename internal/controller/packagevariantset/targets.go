package packagevariantset

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variantset"
)

// expandTargets lists what each target entry selects: repositories by
// name (each package named, or the upstream's), repositories by label, or
// objects of any kind by label (the object's name is the default
// repository). The CEL variables expose of the objects only their name,
// namespace, labels and annotations, as upstream's do.
func (r *Reconciler) expandTargets(ctx context.Context, s *scope) error {
	up := metadata(s.upstream)
	s.targets = nil
	for i, t := range s.pvs.Spec.Targets {
		switch {
		case len(t.Repositories) > 0:
			for _, rt := range t.Repositories {
				repo, err := r.repository(ctx, s.pvs.Namespace, rt.Name)
				if err != nil {
					return err
				}
				packages := rt.PackageNames
				if len(packages) == 0 {
					packages = []string{s.pvs.Spec.Upstream.Package}
				}
				for _, pkg := range packages {
					s.targets = append(s.targets, target{entry: i, vars: variantset.Vars{RepoDefault: rt.Name, PackageDefault: pkg,
						Upstream: up, Target: map[string]any{"repo": rt.Name, "package": pkg}, Repository: repo}})
				}
			}
		case t.RepositorySelector != nil:
			selector, err := metav1.LabelSelectorAsSelector(t.RepositorySelector)
			if err != nil {
				return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError,
					Message: fmt.Sprintf("spec.targets[%d].repositorySelector: %v", i, err)}
			}
			list := &configv1alpha1.RepositoryList{}
			if err := r.List(ctx, list, client.InNamespace(s.pvs.Namespace), client.MatchingLabelsSelector{Selector: selector}); err != nil {
				return err
			}
			for j := range list.Items {
				repo := metadata(&list.Items[j])
				s.targets = append(s.targets, target{entry: i, vars: variantset.Vars{RepoDefault: list.Items[j].Name,
					PackageDefault: s.pvs.Spec.Upstream.Package, Upstream: up, Target: repo, Repository: repo}})
			}
		case t.ObjectSelector != nil:
			s.selectsObjects = true
			objects, err := r.selectObjects(ctx, s, i, t.ObjectSelector)
			if err != nil {
				return err
			}
			for _, obj := range objects {
				repo, err := r.repository(ctx, s.pvs.Namespace, obj.GetName())
				if err != nil {
					return err
				}
				s.targets = append(s.targets, target{entry: i, vars: variantset.Vars{RepoDefault: obj.GetName(),
					PackageDefault: s.pvs.Spec.Upstream.Package, Upstream: up, Target: metadata(&obj), Repository: repo}})
			}
		}
	}
	return nil
}

// selectObjects lists the objects of an objectSelector, uncached.
func (r *Reconciler) selectObjects(ctx context.Context, s *scope, entry int, sel *configv1alpha1.ObjectSelector) ([]unstructured.Unstructured, error) {
	path := fmt.Sprintf("spec.targets[%d].objectSelector", entry)
	selector, err := metav1.LabelSelectorAsSelector(&sel.LabelSelector)
	if err != nil {
		return nil, &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: fmt.Sprintf("%s: %v", path, err)}
	}
	if err := r.checkNamespaced(sel, path); err != nil {
		return nil, err
	}
	list := &unstructured.UnstructuredList{}
	list.SetAPIVersion(sel.APIVersion)
	list.SetKind(sel.Kind + "List")
	err = r.APIReader.List(ctx, list, client.InNamespace(s.pvs.Namespace), client.MatchingLabelsSelector{Selector: selector})
	if apierrors.IsForbidden(err) {
		// The operator may grant it (config/rbac: manager-readable).
		return nil, &outcome.Waiting{Reason: configv1alpha1.ReasonError, RequeueAfter: r.Options.ResyncInterval, Message: fmt.Sprintf(
			"%s: the manager may not list kind %q of %q in namespace %s; to let it, label a ClusterRole granting get and list on it "+
				"with %s: \"true\"", path, sel.Kind, sel.APIVersion, s.pvs.Namespace, configv1alpha1.ManagerReadableLabel)}
	}
	if err != nil {
		return nil, err
	}
	if sel.Name == nil {
		return list.Items, nil
	}
	var named []unstructured.Unstructured
	for _, obj := range list.Items {
		if obj.GetName() == *sel.Name {
			named = append(named, obj)
		}
	}
	return named, nil
}

// checkNamespaced refuses a kind the cluster does not have and, unless the
// manager allows it, a kind that is not namespaced: listing it "in the
// set's namespace" would list it across the cluster. Admission refuses
// both for users; this holds for sets written around it.
func (r *Reconciler) checkNamespaced(sel *configv1alpha1.ObjectSelector, path string) error {
	gvk := schema.FromAPIVersionAndKind(sel.APIVersion, sel.Kind)
	mapping, err := r.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError,
			Message: fmt.Sprintf("%s: the cluster has no kind %q in %q", path, sel.Kind, sel.APIVersion)}
	}
	if err != nil {
		return err
	}
	if mapping.Scope.Name() == meta.RESTScopeNameRoot && !r.Options.AllowClusterScopedSelectors {
		return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: fmt.Sprintf(
			"%s.kind: kind %q of %q is not namespaced: a PackageVariantSet selects objects of its own namespace only "+
				"(the manager allows kinds that are not namespaced with --allow-cluster-scoped-selectors)", path, sel.Kind, sel.APIVersion)}
	}
	return nil
}

// repository is the metadata of a Repository, or an empty map when there
// is none of that name (yet).
func (r *Reconciler) repository(ctx context.Context, namespace, name string) (map[string]any, error) {
	repo := &configv1alpha1.Repository{}
	err := r.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, repo)
	if apierrors.IsNotFound(err) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	return metadata(repo), nil
}

// metadata is what the CEL variables show of an object.
func metadata(obj metav1.Object) map[string]any {
	return map[string]any{"name": obj.GetName(), "namespace": obj.GetNamespace(),
		"labels": anyMap(obj.GetLabels()), "annotations": anyMap(obj.GetAnnotations())}
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
