package v1alpha1

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// variantOwner is the owner reference a PackageVariant puts on the
// revisions it makes.
var variantOwner = []metav1.OwnerReference{{APIVersion: "config.porch.kpt.dev/v1alpha1", Kind: "PackageVariant", Name: "pv", UID: "u"}}

func revision(label string, generation, observed int64, owners []metav1.OwnerReference) *PackageRevision {
	pr := &PackageRevision{ObjectMeta: metav1.ObjectMeta{Generation: generation, OwnerReferences: owners}, Spec: PackageRevisionSpec{RepositoryName: "blueprints"}}
	if label != "" {
		pr.Labels = map[string]string{RepositoryLabel: label}
	}
	pr.Status.ObservedGeneration = observed
	return pr
}

// TestRevisionHandoff holds who acts on a revision in every state it can
// be in: the sync mirrors what is neither pending nor unadopted, the
// authoring controller acts on what is pending.
func TestRevisionHandoff(t *testing.T) {
	for _, tc := range []struct {
		state                                  string
		pr                                     *PackageRevision
		adopted, mirrorUnfinished, specPending bool
	}{
		{"made by the sync, status not yet written", revision("blueprints", 1, 0, nil), true, true, false},
		{"mirrored: made by the sync and observed", revision("blueprints", 1, 1, nil), true, false, false},
		{"mirrored, its spec since changed by the sync and observed", revision("blueprints", 3, 3, nil), true, false, false},
		{"created by a user, its task not yet run", revision("", 1, 0, nil), false, false, true},
		{"adopted: its task ran and its status was written", revision("blueprints", 1, 1, nil), true, false, false},
		{"adopted, a lifecycle change asked for", revision("blueprints", 2, 1, nil), true, false, true},
		{"status written, label not yet: adoption unfinished", revision("", 1, 1, nil), false, false, false},
		{"labelled for another repository of the same name's past", revision("other", 2, 1, nil), false, false, true},
		{"made by a variant, its task not yet run", revision("", 1, 0, variantOwner), false, false, true},
		{"owned by a variant, adopted and mirrored", revision("blueprints", 2, 2, variantOwner), true, false, false},
		{"owned by a variant, which proposed it", revision("blueprints", 3, 2, variantOwner), true, false, true},
		{"mirrored, then adopted by a variant (labels and owners only)", revision("blueprints", 1, 1, variantOwner), true, false, false},
	} {
		t.Run(tc.state, func(t *testing.T) {
			if got := tc.pr.Adopted(); got != tc.adopted {
				t.Errorf("Adopted() = %v, want %v", got, tc.adopted)
			}
			if got := tc.pr.MirrorUnfinished(); got != tc.mirrorUnfinished {
				t.Errorf("MirrorUnfinished() = %v, want %v", got, tc.mirrorUnfinished)
			}
			if got := tc.pr.SpecPending(); got != tc.specPending {
				t.Errorf("SpecPending() = %v, want %v", got, tc.specPending)
			}
		})
	}
}

func resources(label string, generation, observed int64, asked map[string]string) *PackageRevisionResources {
	prr := &PackageRevisionResources{ObjectMeta: metav1.ObjectMeta{Generation: generation}, Spec: PackageRevisionResourcesSpec{Resources: asked}}
	if label != "" {
		prr.Labels = map[string]string{RepositoryLabel: label}
	}
	prr.Status.ObservedGeneration = observed
	return prr
}

// TestResourcesHandoff holds who acts on a revision's resources in every
// state they can be in: the authoring controller commits a user's edit
// and acknowledges any other generation, except while the sync is still
// writing resources it made, which it finishes.
func TestResourcesHandoff(t *testing.T) {
	edit := map[string]string{"Kptfile": "kind: Kptfile"}
	for _, tc := range []struct {
		state                                            string
		prr                                              *PackageRevisionResources
		mirrorUnfinished, editPending, generationPending bool
	}{
		{"made by the sync, content not yet written", resources("blueprints", 1, 0, nil), true, false, false},
		{"mirrored: content written by the sync", resources("blueprints", 1, 1, nil), false, false, false},
		{"edited by a user, not yet committed", resources("blueprints", 2, 1, edit), false, true, true},
		{"edited by a user and committed", resources("blueprints", 2, 2, edit), false, false, false},
		{"edited while the sync was writing them", resources("blueprints", 2, 0, edit), false, true, true},
		{"changed by the sync (published meanwhile), not yet observed", resources("blueprints", 2, 1, nil), false, false, true},
		{"made by the authoring controller for a revision not yet adopted", resources("", 1, 0, nil), false, false, true},
		{"made by the authoring controller and recorded", resources("", 1, 1, nil), false, false, false},
	} {
		t.Run(tc.state, func(t *testing.T) {
			if got := tc.prr.MirrorUnfinished(); got != tc.mirrorUnfinished {
				t.Errorf("MirrorUnfinished() = %v, want %v", got, tc.mirrorUnfinished)
			}
			if got := tc.prr.EditPending(); got != tc.editPending {
				t.Errorf("EditPending() = %v, want %v", got, tc.editPending)
			}
			if got := tc.prr.GenerationPending(); got != tc.generationPending {
				t.Errorf("GenerationPending() = %v, want %v", got, tc.generationPending)
			}
		})
	}
}
