package webhook

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions;packagerevisionresources,verbs=get;list;watch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories,verbs=get;list;watch

// Indexes of the manager's PackageRevision cache that the rules list by.
const (
	// upstreamIndex keys a PackageRevision by the name of every revision
	// its task names: clone upstream, edit source, upgrade references.
	upstreamIndex = "porch.kpt.dev/upstream"
)

// indexes maps each index of PackageRevisions to the keys of an object.
var indexes = map[string]client.IndexerFunc{
	upstreamIndex: func(obj client.Object) []string {
		var names []string
		for _, ref := range taskRefs(obj.(*porchv1alpha1.PackageRevision)) {
			names = append(names, ref.name)
		}
		return names
	},
}

// addIndexes registers the indexes with the manager's cache, before it starts.
func addIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	for name, fn := range indexes {
		if err := indexer.IndexField(ctx, &porchv1alpha1.PackageRevision{}, name, fn); err != nil {
			return fmt.Errorf("indexing PackageRevisions by %s: %w", name, err)
		}
	}
	return nil
}

// taskRef is a PackageRevision that a revision's task names.
type taskRef struct {
	path *field.Path
	name string
	// role is what the task makes of it, for messages: "a clone's upstream".
	role string
	// accepted are the lifecycles it may have.
	accepted []lifecycle
	// samePackage says it must be a revision of the same package.
	samePackage bool
	// upstream says the task names it as its package's upstream, which
	// the package goes on following (a clone, an upgrade), rather than as
	// content it starts from.
	upstream bool
}

// taskRefs lists the PackageRevisions that pr's task names.
func taskRefs(pr *porchv1alpha1.PackageRevision) []taskRef {
	if len(pr.Spec.Tasks) == 0 {
		return nil
	}
	t, at := pr.Spec.Tasks[0], field.NewPath("spec", "tasks").Index(0)
	onlyPublished := []lifecycle{published}
	switch {
	case t.Type == porchv1alpha1.TaskTypeClone && t.Clone != nil && t.Clone.Upstream.UpstreamRef != nil:
		return []taskRef{{path: at.Child("clone", "upstreamRef", "upstreamRef", "name"), name: t.Clone.Upstream.UpstreamRef.Name,
			role: "a clone's upstream", accepted: onlyPublished, upstream: true}}
	case t.Type == porchv1alpha1.TaskTypeEdit && t.Edit != nil && t.Edit.Source != nil:
		return []taskRef{{path: at.Child("edit", "sourceRef", "name"), name: t.Edit.Source.Name,
			role: "an edit's source", accepted: onlyPublished, samePackage: true}}
	case t.Type == porchv1alpha1.TaskTypeUpgrade && t.Upgrade != nil:
		either := []lifecycle{published, deletionProposed}
		u, up := t.Upgrade, at.Child("upgrade")
		return []taskRef{
			{path: up.Child("oldUpstreamRef", "name"), name: u.OldUpstream.Name, role: "an upgrade's old upstream", accepted: either, upstream: true},
			{path: up.Child("newUpstreamRef", "name"), name: u.NewUpstream.Name, role: "an upgrade's new upstream", accepted: either, upstream: true},
			{path: up.Child("localPackageRevisionRef", "name"), name: u.LocalPackageRevisionRef.Name, role: "an upgrade's local revision", accepted: either},
		}
	}
	return nil
}

// lookup reads the objects the rules depend on. PackageRevisions and
// Repositories come from the manager's cache, so that most admissions cost
// no apiserver round trip; where a cached copy would make the webhook
// refuse, the apiserver confirms it first, since the cache may lag a write
// made a moment ago. PackageRevisionResources are read from the apiserver
// only, so that the manager caches no file content. Listing by index stays
// with the cache: two creates within its delay can both pass, as with any
// webhook; it keeps mistakes out, not races.
type lookup struct {
	cache client.Reader
	api   client.Reader
}

// get reads an object from the cache and, unless what it finds satisfies
// ok, again from the apiserver, into a fresh object. found is false when the
// object does not exist.
func get[T client.Object](ctx context.Context, l *lookup, key client.ObjectKey, newObj func() T, ok func(obj T, found bool) bool) (obj T, found bool, err error) {
	for _, r := range []client.Reader{l.cache, l.api} {
		obj = newObj()
		err = r.Get(ctx, key, obj)
		if err != nil && !apierrors.IsNotFound(err) {
			return obj, false, fmt.Errorf("reading %s: %w", key, err)
		}
		if found = err == nil; ok(obj, found) {
			break
		}
	}
	return obj, found, nil
}

func newRevision() *porchv1alpha1.PackageRevision { return &porchv1alpha1.PackageRevision{} }

// revision reads a PackageRevision, from the apiserver too unless the cached
// copy exists and satisfies ok; nil when it does not exist.
func (l *lookup) revision(ctx context.Context, namespace, name string, ok func(*porchv1alpha1.PackageRevision) bool) (*porchv1alpha1.PackageRevision, error) {
	pr, found, err := get(ctx, l, client.ObjectKey{Namespace: namespace, Name: name}, newRevision,
		func(pr *porchv1alpha1.PackageRevision, found bool) bool { return found && ok(pr) })
	if err != nil || !found {
		return nil, err
	}
	return pr, nil
}

// resources reads a PackageRevisionResources from the apiserver, nil when it
// does not exist: from its watch cache first, and again from etcd unless
// what it finds satisfies ok.
func (l *lookup) resources(ctx context.Context, namespace, name string, ok func(*porchv1alpha1.PackageRevisionResources) bool) (*porchv1alpha1.PackageRevisionResources, error) {
	var prr *porchv1alpha1.PackageRevisionResources
	for _, rv := range []string{"0", ""} {
		prr = &porchv1alpha1.PackageRevisionResources{}
		err := l.api.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, prr, &client.GetOptions{Raw: &metav1.GetOptions{ResourceVersion: rv}})
		if apierrors.IsNotFound(err) {
			prr = nil
		} else if err != nil {
			return nil, fmt.Errorf("reading PackageRevisionResources %s/%s: %w", namespace, name, err)
		}
		if ok(prr) {
			break
		}
	}
	return prr, nil
}

// list returns the cached PackageRevisions of a namespace whose index holds value.
func (l *lookup) list(ctx context.Context, namespace, index, value string) ([]porchv1alpha1.PackageRevision, error) {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := l.cache.List(ctx, list, client.InNamespace(namespace), client.MatchingFields{index: value}); err != nil {
		return nil, fmt.Errorf("listing the PackageRevisions of namespace %s: %w", namespace, err)
	}
	return list.Items, nil
}

// goneOrGoing says whether an object does not exist or is being deleted.
func goneOrGoing[T client.Object](ctx context.Context, l *lookup, key client.ObjectKey, newObj func() T) (bool, error) {
	gone := func(obj T, found bool) bool { return !found || obj.GetDeletionTimestamp() != nil }
	obj, found, err := get(ctx, l, key, newObj, gone)
	return gone(obj, found), err
}

// repositoryGoneOrGoing says whether the Repository of a namespace named
// name does not exist or is being deleted: what was made for it may go.
func (l *lookup) repositoryGoneOrGoing(ctx context.Context, namespace, name string) (bool, error) {
	return goneOrGoing(ctx, l, client.ObjectKey{Namespace: namespace, Name: name}, func() *configv1alpha1.Repository { return &configv1alpha1.Repository{} })
}

// revisionGoneOrGoing says whether a PackageRevision does not exist or is being deleted.
func (l *lookup) revisionGoneOrGoing(ctx context.Context, namespace, name string) (bool, error) {
	return goneOrGoing(ctx, l, client.ObjectKey{Namespace: namespace, Name: name}, newRevision)
}
