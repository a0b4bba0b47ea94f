package repository

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// syncedLabels are the labels the sync owns; others, set by users, stay.
var syncedLabels = []string{porchv1alpha1.RepositoryLabel, porchv1alpha1.LatestPackageRevisionKey}

// mergeLabels sets or removes the labels the sync owns, as want has them.
func mergeLabels(have, want map[string]string) map[string]string {
	for _, key := range syncedLabels {
		value, ok := want[key]
		switch {
		case ok:
			if have == nil {
				have = map[string]string{}
			}
			have[key] = value
		default:
			delete(have, key)
		}
	}
	return have
}

// mergeOwnLabels sets in have the labels the sync owns as want has them,
// and says whether that changed anything.
func mergeOwnLabels(have, want client.Object) bool {
	merged := mergeLabels(copyMap(have.GetLabels()), want.GetLabels())
	if equality.Semantic.DeepEqual(merged, have.GetLabels()) {
		return false
	}
	have.SetLabels(merged)
	return true
}

// changed runs mutate on a copy's worth of fields and says whether they moved.
func changed[T any](field *T, mutate func(*T)) bool {
	before := *field
	mutate(field)
	return !equality.Semantic.DeepEqual(before, *field)
}

var revisionKind = mirrorKind[*porchv1alpha1.PackageRevision]{
	name:  "PackageRevision",
	empty: func() *porchv1alpha1.PackageRevision { return &porchv1alpha1.PackageRevision{} },
	mergeOwnSpec: func(have, want *porchv1alpha1.PackageRevision) bool {
		return changed(&have.Spec, func(s *porchv1alpha1.PackageRevisionSpec) {
			// The sync owns where a revision stands; what a user asked for
			// (tasks, gates, metadata) is theirs.
			s.Revision, s.Lifecycle = want.Spec.Revision, want.Spec.Lifecycle
		})
	},
	mergeStatus: func(have, want *porchv1alpha1.PackageRevision) bool {
		return changed(&have.Status, func(s *porchv1alpha1.PackageRevisionStatus) {
			conditions := append(s.Conditions[:0:0], s.Conditions...)
			for _, c := range want.Status.Conditions {
				c.ObservedGeneration = have.Generation
				meta.SetStatusCondition(&conditions, c)
			}
			s.Conditions = conditions
			s.UpstreamLock, s.SelfLock = want.Status.UpstreamLock, want.Status.SelfLock
			// A draft's package conditions are its users' (controllers
			// meeting its readiness gates write them): git's count only
			// for a revision that has none yet, and once it is published.
			if want.Spec.Lifecycle.IsPublished() || s.PackageConditions == nil {
				s.PackageConditions = want.Status.PackageConditions
			}
			s.Deployment, s.PublishedAt = want.Status.Deployment, want.Status.PublishedAt
			s.ObservedGeneration = have.Generation
		})
	},
	forCreate: func(want *porchv1alpha1.PackageRevision) *porchv1alpha1.PackageRevision {
		obj := want.DeepCopy()
		obj.Status = porchv1alpha1.PackageRevisionStatus{}
		// From the start, so that a user's deletion of a mirrored revision
		// waits for the authoring controller to delete it in git, without
		// a write per revision to add it later.
		controllerutil.AddFinalizer(obj, porchv1alpha1.PackageRevisionFinalizer)
		if obj.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecycleProposed {
			// Revisions are created as Draft (the schema says so for users
			// too); the update that follows moves it to Proposed.
			obj.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecycleDraft
		}
		return obj
	},
	pending: (*porchv1alpha1.PackageRevision).SpecPending,
	note: func(have, want *porchv1alpha1.PackageRevision) string {
		if len(want.Spec.Tasks) > 0 && len(have.Spec.Tasks) == 0 {
			return fmt.Sprintf("%s: left out what the schema refused: the task recorded in git, %s", describe(want), want.Spec.Tasks[0].Type)
		}
		return ""
	},
	relax: func(obj *porchv1alpha1.PackageRevision) bool {
		// A task recovered from a commit annotation that this API cannot
		// hold must not keep the revision itself out of the cluster.
		dropped := len(obj.Spec.Tasks) > 0
		obj.Spec.Tasks = nil
		return dropped
	},
}

var resourcesKind = mirrorKind[*porchv1alpha1.PackageRevisionResources]{
	name: "PackageRevisionResources",
	mergeOwnSpec: func(have, want *porchv1alpha1.PackageRevisionResources) bool {
		return changed(&have.Spec, func(s *porchv1alpha1.PackageRevisionResourcesSpec) {
			// spec.resources is a user's intent for a draft: never the sync's.
			s.PackageName, s.WorkspaceName = want.Spec.PackageName, want.Spec.WorkspaceName
			s.Revision, s.RepositoryName = want.Spec.Revision, want.Spec.RepositoryName
		})
	},
	mergeStatus: func(have, want *porchv1alpha1.PackageRevisionResources) bool {
		return changed(&have.Status, func(s *porchv1alpha1.PackageRevisionResourcesStatus) {
			s.Resources, s.Commit = want.Status.Resources, want.Status.Commit
			// apply leaves alone resources whose edit is pending, and the
			// spec patch before this one failed if an edit came after the
			// listing: any edit asked for was acted upon, and the
			// generation this sync's own spec change made is observed too,
			// so that the authoring controller does not take it for a new
			// edit (of a revision published meanwhile, say).
			s.ObservedGeneration = have.Generation
		})
	},
	pending: (*porchv1alpha1.PackageRevisionResources).EditPending,
	empty:   func() *porchv1alpha1.PackageRevisionResources { return &porchv1alpha1.PackageRevisionResources{} },
	forCreate: func(want *porchv1alpha1.PackageRevisionResources) *porchv1alpha1.PackageRevisionResources {
		obj := want.DeepCopy()
		obj.Status = porchv1alpha1.PackageRevisionResourcesStatus{}
		return obj
	},
}

var packageKind = mirrorKind[*porchv1alpha1.PorchPackage]{
	name:  "PorchPackage",
	empty: func() *porchv1alpha1.PorchPackage { return &porchv1alpha1.PorchPackage{} },
	mergeOwnSpec: func(have, want *porchv1alpha1.PorchPackage) bool {
		return changed(&have.Spec, func(s *porchv1alpha1.PorchPackageSpec) { *s = want.Spec })
	},
	mergeStatus: func(have, want *porchv1alpha1.PorchPackage) bool {
		return changed(&have.Status, func(s *porchv1alpha1.PorchPackageStatus) { *s = want.Status })
	},
	forCreate: func(want *porchv1alpha1.PorchPackage) *porchv1alpha1.PorchPackage {
		obj := want.DeepCopy()
		obj.Status = porchv1alpha1.PorchPackageStatus{}
		return obj
	},
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
