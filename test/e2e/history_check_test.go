package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// unseenNumber is the number of a published revision deleted before its
// number was recorded in its spec: the writer never saw it.
const unseenNumber = -1

// anomaly is a promise broken, and the revision it concerns.
type anomaly struct{ name, what string }

// check holds the acknowledged writes to what git holds, and returns the
// anomalies. failed are revisions whose create failed after admission.
func (h *history) check(t *testing.T, bare string, failed map[string]bool) []anomaly {
	t.Helper()
	tags := readTags(t, bare)
	// Revisions a delete may have removed: acknowledged, or of unknown
	// outcome. The numbers of published ones stay burnt.
	deleted, maybeDeleted := map[string]bool{}, map[string]bool{}
	burnt := map[string]map[int]string{}
	approved := map[string]bool{} // pkg/workspace acknowledged, or of unknown outcome
	unseen := map[string]int{}    // deletions of numbers no writer saw, by package
	for _, w := range append(slices.Clone(h.unknown), h.acked...) {
		if w.op == "delete" && w.number == unseenNumber {
			unseen[w.pkg]++
		}
	}
	for _, w := range h.unknown {
		switch w.op {
		case "delete":
			maybeDeleted[w.name] = true
			if w.number > 0 {
				burn(burnt, w)
			}
		case "approve":
			approved[w.pkg+"/"+w.workspace] = true
		}
	}
	for _, w := range h.acked {
		switch w.op {
		case "delete":
			deleted[w.name], maybeDeleted[w.name] = true, true
			if w.number > 0 {
				burn(burnt, w)
			}
		case "approve":
			approved[w.pkg+"/"+w.workspace] = true
		}
	}

	var anomalies []anomaly
	add := func(name, format string, args ...any) {
		anomalies = append(anomalies, anomaly{name: name, what: fmt.Sprintf(format, args...)})
	}
	for _, w := range h.acked {
		switch w.op {
		case "approve":
			numbers := tags.of(w.pkg, w.workspace)
			switch {
			case deleted[w.name] && len(numbers) > 0:
				add(w.name, "%s was published, then deleted, and still has the tags %v", w.name, numbers)
			case !maybeDeleted[w.name] && len(numbers) != 1:
				add(w.name, "%s's acknowledged publish has %d tags, want one: %v", w.name, len(numbers), numbers)
			}
		case "edit":
			if maybeDeleted[w.name] || failed[w.name] {
				continue
			}
			ref := revisionRef(bare, tags, w)
			switch {
			case ref == "":
				add(w.name, "%s, edited (%s), is in git no more, and was never deleted", w.name, w.file)
			case exec.Command("git", "-C", bare, "cat-file", "-e", ref+":"+w.pkg+"/"+w.file).Run() != nil:
				add(w.name, "%s's acknowledged edit (%s) is not in %s", w.name, w.file, ref)
			}
		case "create":
			if !maybeDeleted[w.name] && !failed[w.name] && revisionRef(bare, tags, w) == "" {
				add(w.name, "%s, created, is in git no more, and was never deleted", w.name)
			}
		}
	}
	for pkg, numbers := range tags {
		for n, workspace := range numbers {
			if other, ok := burnt[pkg][n]; ok {
				add(porchv1alpha1.RevisionName("blueprints", pkg, workspace), "%s/v%d is %s's, but was %s's, deleted: a number used twice", pkg, n, workspace, other)
			}
			if !approved[pkg+"/"+workspace] {
				add(porchv1alpha1.RevisionName("blueprints", pkg, workspace), "%s/v%d is %s's, whose approval no writer asked for", pkg, n, workspace)
			}
		}
		for workspace, count := range tags.workspaces(pkg) {
			if count > 1 {
				add(porchv1alpha1.RevisionName("blueprints", pkg, workspace), "%s/%s has %d numbers", pkg, workspace, count)
			}
		}
	}
	for _, pkg := range packagesOf(tags, burnt) {
		top := 0
		for n := range tags[pkg] {
			top = max(top, n)
		}
		for n := range burnt[pkg] {
			top = max(top, n)
		}
		var gaps []int
		for n := 1; n <= top; n++ {
			_, tagged := tags[pkg][n]
			_, gone := burnt[pkg][n]
			if !tagged && !gone {
				gaps = append(gaps, n)
			}
		}
		// A deleted revision whose number no writer saw explains one gap.
		for _, n := range gaps[min(unseen[pkg], len(gaps)):] {
			add("", "%s has no v%d, below its v%d: a gap", pkg, n, top)
		}
	}
	return anomalies
}

func burn(burnt map[string]map[int]string, w write) {
	if w.number == unseenNumber {
		return // counted by unseen, for the gaps it may leave
	}
	if burnt[w.pkg] == nil {
		burnt[w.pkg] = map[int]string{}
	}
	burnt[w.pkg][w.number] = w.workspace
}

func packagesOf(tags publishedTags, burnt map[string]map[int]string) []string {
	var pkgs []string
	for pkg := range tags {
		pkgs = append(pkgs, pkg)
	}
	for pkg := range burnt {
		if _, ok := tags[pkg]; !ok {
			pkgs = append(pkgs, pkg)
		}
	}
	slices.Sort(pkgs)
	return pkgs
}

// publishedTags are a repository's tags <package>/v<number>, by package
// and number, each with the workspace its commit's annotation names.
type publishedTags map[string]map[int]string

// of lists the numbers of pkg's workspace.
func (p publishedTags) of(pkg, workspace string) []int {
	var numbers []int
	for n, ws := range p[pkg] {
		if ws == workspace {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	return numbers
}

// workspaces counts the numbers of each of pkg's workspaces.
func (p publishedTags) workspaces(pkg string) map[string]int {
	count := map[string]int{}
	for _, ws := range p[pkg] {
		count[ws]++
	}
	return count
}

// readTags reads the tags of the bare repository at dir.
func readTags(t *testing.T, dir string) publishedTags {
	t.Helper()
	out, err := exec.Command("git", "-C", dir, "for-each-ref", "--format=%(refname:strip=2)", "refs/tags/").Output()
	if err != nil {
		t.Fatal(err)
	}
	tags := publishedTags{}
	for _, tag := range strings.Fields(string(out)) {
		slash := strings.LastIndex(tag, "/v")
		n, err := strconv.Atoi(tag[slash+2:])
		if slash < 0 || err != nil {
			continue
		}
		message, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%B", "refs/tags/"+tag).Output()
		if err != nil {
			t.Fatal(err)
		}
		pkg := tag[:slash]
		if tags[pkg] == nil {
			tags[pkg] = map[int]string{}
		}
		tags[pkg][n] = annotatedWorkspace(string(message))
	}
	return tags
}

// annotatedWorkspace is the workspace the last kpt: annotation of a commit
// message names.
func annotatedWorkspace(message string) string {
	workspace := ""
	for _, line := range strings.Split(message, "\n") {
		var a struct {
			WorkspaceName string `json:"workspaceName"`
		}
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "kpt:"); ok && json.Unmarshal([]byte(rest), &a) == nil {
			workspace = a.WorkspaceName
		}
	}
	return workspace
}

// revisionRef is the ref that holds w's revision now: its draft or
// proposed branch, or its tag; empty when git has none.
func revisionRef(bare string, tags publishedTags, w write) string {
	for _, ref := range []string{"refs/heads/drafts/" + w.pkg + "/" + w.workspace, "refs/heads/proposed/" + w.pkg + "/" + w.workspace} {
		if exec.Command("git", "-C", bare, "rev-parse", "--verify", "--quiet", ref).Run() == nil {
			return ref
		}
	}
	if numbers := tags.of(w.pkg, w.workspace); len(numbers) > 0 {
		return fmt.Sprintf("refs/tags/%s/v%d", w.pkg, numbers[0])
	}
	return ""
}
