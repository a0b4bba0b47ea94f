package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// pushPackage clones a repository of the local git server, adds a package
// and tags its first revision, with the git CLI as a user does.
func pushPackage(t *testing.T, url, pkg string) {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"clone", "-q", url, dir},
		{"-C", dir, "checkout", "-q", "main"},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	writeFile(t, dir+"/"+pkg+"/Kptfile", "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: "+pkg+"\n")
	for _, args := range [][]string{
		{"add", "."},
		{"-c", "user.name=e2e", "-c", "user.email=e2e@example.com", "commit", "-q", "-m", "Add " + pkg},
		{"tag", pkg + "/v1"},
		{"push", "-q", "origin", "main", "--tags"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// requestSync asks for a sync now, as `kubectl patch` with spec.sync.runOnceAt does.
func requestSync(t *testing.T, c client.Client, key client.ObjectKey) {
	t.Helper()
	repo := &configv1alpha1.Repository{}
	if err := c.Get(context.Background(), key, repo); err != nil {
		t.Fatal(err)
	}
	before := repo.DeepCopy()
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	repo.Spec.Sync = &configv1alpha1.RepositorySync{RunOnceAt: &now}
	if err := c.Patch(context.Background(), repo, client.MergeFrom(before)); err != nil {
		t.Fatal(err)
	}
}

// waitRevisions waits until the repository's PackageRevisions are exactly names.
func waitRevisions(t *testing.T, c client.Client, key client.ObjectKey, names ...string) {
	t.Helper()
	sort.Strings(names)
	var got []string
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		list := &porchv1alpha1.PackageRevisionList{}
		if err := c.List(ctx, list, client.InNamespace(key.Namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: key.Name}); err != nil {
			return false, err
		}
		got = got[:0]
		for _, pr := range list.Items {
			got = append(got, pr.Name)
		}
		sort.Strings(got)
		return slices.Equal(got, names), nil
	})
	if err != nil {
		t.Fatalf("PackageRevisions of %s = %v, want %v: %v", key, got, names, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
