package git

import (
	"fmt"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Commit subjects, as upstream Porch writes them; each commit that belongs
// to a revision ends with its annotation line.
const (
	// RenderSubject is the subject of a commit that stores a render's result.
	RenderSubject = "Rendering package"
	// PatchSubject is the subject of a commit that stores a user's edit.
	PatchSubject = "Applying patch to package"

	intermediateSubject = "Intermediate commit"
	approveSubject      = "Approving package revision %s/%d"
	deleteSubject       = "Delete %s"
)

// draftRevision is the revision a draft's annotations carry.
const draftRevision = "0"

// taskSubject is the subject of the commit that creates a revision.
func taskSubject(t porchv1alpha1.TaskType) string {
	switch t {
	case porchv1alpha1.TaskTypeInit:
		return "Creating new empty revision"
	case porchv1alpha1.TaskTypeClone:
		return "Creating new revision by cloning"
	case porchv1alpha1.TaskTypeEdit:
		return "Creating new revision by copying previous revision"
	default:
		return fmt.Sprintf("%s: %s", intermediateSubject, t)
	}
}
