// Package shard says which objects one manager of several owns, when each
// owns the Repositories its --repository-selector matches: their syncs,
// the authoring of their revisions, the PackageVariants whose downstream
// is one of them, and the PackageVariantSets whose upstream is. Every
// manager still caches every object and serves every webhook, so that
// admission sees the whole namespace; a shard divides the work (git,
// renders, writes), not the cache.
package shard

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// Shard is the Repositories one manager owns, by their labels; the zero
// Shard owns every Repository.
type Shard struct {
	selector labels.Selector
}

// Parse reads a --repository-selector value, a label selector as kubectl
// takes it ("shard=a", "tier in (edge,core)"); empty owns everything.
func Parse(selector string) (Shard, error) {
	if selector == "" {
		return Shard{}, nil
	}
	s, err := labels.Parse(selector)
	if err != nil {
		return Shard{}, fmt.Errorf("--repository-selector %q: %w", selector, err)
	}
	return Shard{selector: s}, nil
}

// String is the selector as given, or "" for every Repository.
func (s Shard) String() string {
	if s.selector == nil {
		return ""
	}
	return s.selector.String()
}

// OwnsRepository says whether repo is this shard's.
func (s Shard) OwnsRepository(repo *configv1alpha1.Repository) bool { return s.matches(repo) }

// Repositories filters the events of Repositories to this shard's.
func (s Shard) Repositories() predicate.Predicate { return predicate.NewPredicateFuncs(s.matches) }

// matches says whether a Repository's labels are this shard's.
func (s Shard) matches(repo client.Object) bool {
	return s.selector == nil || s.selector.Matches(labels.Set(repo.GetLabels()))
}

// Owns says whether the Repository name of namespace is this shard's. One
// that does not exist is everyone's: what refers to it has nothing left
// to do but let go of it, which any manager may do.
func (s Shard) Owns(ctx context.Context, c client.Reader, namespace, name string) (bool, error) {
	if s.selector == nil {
		return true, nil
	}
	repo := &configv1alpha1.Repository{}
	switch err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, repo); {
	case apierrors.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("reading Repository %s/%s to see whose it is: %w", namespace, name, err)
	}
	return s.OwnsRepository(repo), nil
}
