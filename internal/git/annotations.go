package git

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// maxHistory bounds every walk back through history, so that discovery
// costs the same on a repository with a long past as on a young one.
const maxHistory = 100

// annotationPrefix starts the commit-message lines in which upstream Porch
// records which package revision a commit belongs to.
const annotationPrefix = "kpt:"

// annotation is one "kpt:{...}" line of a commit message.
type annotation struct {
	Package       string
	WorkspaceName string
	Revision      string
	// Task is the task the commit performed when it is one that creates a
	// revision (init, clone, edit, upgrade); other task types upstream
	// writes (patch, eval, render) leave it nil.
	Task *porchv1alpha1.Task
}

// annotationJSON is an annotation line as upstream writes it, fields in
// its order and left out when empty.
type annotationJSON struct {
	Package       string          `json:"package,omitempty"`
	WorkspaceName string          `json:"workspaceName,omitempty"`
	Revision      string          `json:"revision,omitempty"`
	Task          json.RawMessage `json:"task,omitempty"`
}

// annotate appends the annotation line to a commit subject, as upstream
// does: a blank line, then "kpt:" and the JSON, then a newline.
func annotate(subject string, a annotation) (string, error) {
	line := annotationJSON{Package: a.Package, WorkspaceName: a.WorkspaceName, Revision: a.Revision}
	if a.Task != nil {
		task, err := json.Marshal(a.Task)
		if err != nil {
			return "", fmt.Errorf("encoding the task of the commit annotation: %w", err)
		}
		line.Task = task
	}
	data, err := json.Marshal(line)
	if err != nil {
		return "", fmt.Errorf("encoding the commit annotation: %w", err)
	}
	return subject + "\n\n" + annotationPrefix + string(data) + "\n", nil
}

// parseAnnotations reads the annotation lines of a commit message, in order.
// A line that is not valid JSON is ignored: a hand-written commit message
// must not stop a repository from being read.
func parseAnnotations(message string) []annotation {
	var out []annotation
	for _, line := range strings.Split(message, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, annotationPrefix) {
			continue
		}
		var raw annotationJSON
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, annotationPrefix)), &raw); err != nil {
			continue
		}
		out = append(out, annotation{
			Package:       raw.Package,
			WorkspaceName: raw.WorkspaceName,
			Revision:      raw.Revision,
			Task:          creatingTask(raw.Task),
		})
	}
	return out
}

// creatingTask decodes a task when it is of a type that creates a revision,
// keeping only the field its type names, since the API accepts a task with
// exactly that field. A task that does not decode, or lacks its field, is
// treated as absent rather than passed on half-formed.
func creatingTask(raw json.RawMessage) *porchv1alpha1.Task {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var t porchv1alpha1.Task
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil
	}
	switch t.Type {
	case porchv1alpha1.TaskTypeInit:
		return &porchv1alpha1.Task{Type: t.Type, Init: t.Init}
	case porchv1alpha1.TaskTypeClone:
		if t.Clone != nil {
			return &porchv1alpha1.Task{Type: t.Type, Clone: t.Clone}
		}
	case porchv1alpha1.TaskTypeEdit:
		if t.Edit != nil {
			return &porchv1alpha1.Task{Type: t.Type, Edit: t.Edit}
		}
	case porchv1alpha1.TaskTypeUpgrade:
		if t.Upgrade != nil {
			return &porchv1alpha1.Task{Type: t.Type, Upgrade: t.Upgrade}
		}
	}
	return nil
}

// otherRevision says whether an annotation names a published revision other
// than n. Upstream writes the revision as "3" (older versions as "v3");
// drafts carry "0" or nothing, which names no published revision.
func (a annotation) otherRevision(n int) bool {
	r, err := strconv.Atoi(strings.TrimPrefix(a.Revision, "v"))
	return err == nil && r > 0 && r != n
}

// recoverWorkspace finds the workspace a published revision was authored
// in: the first annotation for the package, walking first-parent history
// from its commit, that names a workspace. Upstream's approval commit, which
// the tag points at, carries it. Annotations of other published revisions
// of the package are passed over, so that a tag added by hand after a
// published one does not take its workspace. "" when none is found.
func (o *objects) recoverWorkspace(start plumbing.Hash, pkgPath string, revision int) (string, error) {
	h := start
	for i := 0; i < maxHistory && !h.IsZero(); i++ {
		c, err := o.commit(h)
		if err != nil {
			return "", err
		}
		for _, a := range o.annotations(c) {
			if a.Package == pkgPath && a.WorkspaceName != "" && !a.otherRevision(revision) {
				return a.WorkspaceName, nil
			}
		}
		h = firstParent(c.ParentHashes)
	}
	return "", nil
}

// creatingTaskOf finds the task that created a revision: the oldest
// creating task annotated for the package and workspace, walking back from
// the revision's commit. The walk follows first parents, except through a
// commit annotated for this very revision that has several parents: that is
// upstream's approval commit, whose last parent is the draft's history where
// the creating task was recorded. It stops at an annotation for the same
// package in another workspace, since history before it belongs to another
// revision.
func (o *objects) creatingTaskOf(start plumbing.Hash, pkgPath, workspace string) (*porchv1alpha1.Task, error) {
	key := taskKey{start, pkgPath, workspace}
	found, ok := lookup(o.derived.tasks, o.earlier, func(d *derived) map[taskKey]*porchv1alpha1.Task { return d.tasks }, key)
	if !ok {
		var err error
		if found, err = o.walkForCreatingTask(start, pkgPath, workspace); err != nil {
			return nil, err
		}
		o.derived.tasks[key] = found
	}
	// Revisions share what is derived; each gets its own copy.
	return found.DeepCopy(), nil
}

func (o *objects) walkForCreatingTask(start plumbing.Hash, pkgPath, workspace string) (*porchv1alpha1.Task, error) {
	var found *porchv1alpha1.Task
	h := start
	for i := 0; i < maxHistory && !h.IsZero(); i++ {
		c, err := o.commit(h)
		if err != nil {
			return nil, err
		}
		notes := o.annotations(c)
		mine, other := false, false
		for _, a := range notes {
			switch {
			case a.Package != pkgPath:
			case a.WorkspaceName == "" || a.WorkspaceName == workspace:
				mine = true
			default:
				other = true
			}
		}
		if other {
			break
		}
		// Later lines of a message are later steps: the first is the oldest.
		for j := len(notes) - 1; j >= 0; j-- {
			a := notes[j]
			if mine && a.Package == pkgPath && a.Task != nil &&
				(a.WorkspaceName == "" || a.WorkspaceName == workspace) {
				found = a.Task
			}
		}
		h = firstParent(c.ParentHashes)
		if mine && len(c.ParentHashes) > 1 {
			h = c.ParentHashes[len(c.ParentHashes)-1]
		}
	}
	return found, nil
}

func firstParent(parents []plumbing.Hash) plumbing.Hash {
	if len(parents) == 0 {
		return plumbing.ZeroHash
	}
	return parents[0]
}
