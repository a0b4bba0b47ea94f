package webhook

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Proposing a Draft or approving a Proposed revision waits for its content
// to be rendered and committed, so that nothing stale is ever proposed or
// published. The contract with the controller that authors revisions:
//
//   - it sets the PackageRevision's status.observedGeneration to its
//     metadata.generation, with the Ready condition True, once the
//     revision's task has run (or a spec change was acted upon) and the
//     result is committed to the repository; Ready False with reason
//     Pending while it works, with another reason when it failed;
//   - it sets the PackageRevisionResources' (same name)
//     status.observedGeneration to its metadata.generation once the
//     spec.resources of that generation were rendered and committed.
//
// Only the system can say a revision is rendered: the fields this reads
// (the observed generations and the Ready condition) are written through
// the status subresources, whose writes by users are refused
// (status_webhook.go), and users cannot set a status through the main
// resource either. Git could not say it instead: it shows what was
// committed, not whether the spec.resources a user wrote last were
// rendered and committed, which only the controller that did it knows.
//
// The rule reads the stored (old) objects: the status of an update through
// the main resource is the apiserver's copy anyway. For these CRDs, which
// have a status subresource, metadata.generation moves with the spec alone,
// so label and annotation writes never make a rendered revision pending.

// renderState says whether old's content is rendered and committed: pending
// holds why it is not yet, failed why it never will be without a change;
// both are empty when it is. prr is nil when the PackageRevisionResources
// does not exist.
func renderState(old *porchv1alpha1.PackageRevision, prr *porchv1alpha1.PackageRevisionResources) (pending, failed string) {
	if old.Status.ObservedGeneration != old.Generation {
		return fmt.Sprintf("PackageRevision %q generation %d is not processed yet (status.observedGeneration %d)",
			old.Name, old.Generation, old.Status.ObservedGeneration), ""
	}
	ready := meta.FindStatusCondition(old.Status.Conditions, porchv1alpha1.ConditionReady)
	switch {
	case ready == nil:
		return fmt.Sprintf("PackageRevision %q has no Ready condition yet", old.Name), ""
	case ready.Status == metav1.ConditionTrue:
	case ready.Status == metav1.ConditionUnknown || ready.Reason == porchv1alpha1.ReasonPending:
		return fmt.Sprintf("PackageRevision %q is not Ready yet (%s: %s)", old.Name, ready.Reason, ready.Message), ""
	default:
		return "", fmt.Sprintf("PackageRevision %q is not Ready (%s: %s)", old.Name, ready.Reason, ready.Message)
	}
	if prr == nil {
		return fmt.Sprintf("PackageRevisionResources %q does not exist yet", old.Name), ""
	}
	if prr.Status.ObservedGeneration != prr.Generation {
		return fmt.Sprintf("PackageRevisionResources %q generation %d is not rendered and committed yet (status.observedGeneration %d)",
			prr.Name, prr.Generation, prr.Status.ObservedGeneration), ""
	}
	return "", ""
}
