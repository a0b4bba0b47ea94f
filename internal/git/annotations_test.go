package git

import (
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestParseAnnotations(t *testing.T) {
	msg := "Creating new revision by cloning\n\n" +
		kpt("a/b", "ws", "0", cloneTask) + "\n" +
		"kpt:{not json\n" +
		"  " + kpt("a/b", "ws", "0", `{"type":"render","render":{}}`) + "  \n" +
		kpt("a/b", "ws", "0", `{"type":"edit"}`) + "\n" +
		kpt("a/b", "ws", "0", `{"type":"init","init":{"description":"d"},"clone":{"upstreamRef":{}}}`) + "\n" +
		kpt("a/b", "", "v3", `"not an object"`) + "\n" +
		"not kpt:" + kpt("x", "y", "", "") + "\n"
	got := parseAnnotations(msg)
	if len(got) != 5 {
		t.Fatalf("got %d annotations, want 5: %+v", len(got), got)
	}
	if got[0].Task == nil || got[0].Task.Type != porchv1alpha1.TaskTypeClone || got[0].Task.Clone.Upstream.Git.Ref != "main" {
		t.Errorf("clone task = %+v", got[0].Task)
	}
	if got[1].Task != nil || got[1].Package != "a/b" || got[1].WorkspaceName != "ws" {
		t.Errorf("a render task must be read as no creating task: %+v", got[1])
	}
	if got[2].Task != nil {
		t.Errorf("an edit task without its field must be dropped: %+v", got[2].Task)
	}
	if task := got[3].Task; task == nil || task.Init == nil || task.Clone != nil {
		t.Errorf("an init task must keep only init: %+v", task)
	}
	if got[4].Task != nil || got[4].Revision != "v3" || !got[4].otherRevision(2) || got[4].otherRevision(3) {
		t.Errorf("legacy annotation = %+v", got[4])
	}
}
