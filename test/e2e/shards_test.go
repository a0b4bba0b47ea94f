package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
)

// Two managers divide 20 Repositories by a label, each with its own
// --repository-selector and so its own leader election: both lead at
// once; each syncs only its ten (its metrics carry a series for every
// Repository it synced, and for no other), and a Draft in a Repository of
// each is authored by the manager that owns that Repository alone.
func TestManagersDivideRepositoriesBySelector(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	shardOf := func(i int) string { return []string{"a", "b"}[i%2] }
	var names []string
	for i := range 20 {
		names = append(names, fmt.Sprintf("r%02d", i))
	}
	plane, git, managers := startTwoManagers(t, t.TempDir(), names, []string{"--repository-selector=shard=a"}, []string{"--repository-selector=shard=b"})
	c, err := controlplane.NewClient(plane.Config, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, name := range names {
		createAdmitted(t, c, &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"shard": shardOf(i)}},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
				Git: &configv1alpha1.GitRepository{Repo: git.RepoURL(name), CreateBranch: true}}})
	}
	waitFor(t, "every Repository Ready", 2*time.Minute, func() bool {
		for _, name := range names {
			repo := &configv1alpha1.Repository{}
			if c.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, repo) != nil || !meta.IsStatusConditionTrue(repo.Status.Conditions, configv1alpha1.ConditionReady) {
				return false
			}
		}
		return true
	})
	for _, m := range managers {
		if v, ok := m.scrape("leader_election_master_status"); !ok || v != 1 {
			t.Errorf("manager %s does not lead its shard (%v, %v)", m.name, v, ok)
		}
	}
	for _, i := range []int{0, 1} {
		pr := &porchv1alpha1.PackageRevision{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: names[i] + ".app.v1"},
			Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: names[i], PackageName: "app", WorkspaceName: "v1",
				Tasks: []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}}},
		}
		createAdmitted(t, c, pr)
		waitDone(t, c, client.ObjectKeyFromObject(pr))
	}

	for i, m := range managers {
		families, err := readMetrics(m.metrics)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for j, name := range names {
			if shardOf(j) == m.name {
				want = append(want, name)
			}
		}
		if synced := seriesOf(families, "porch_repository_package_revisions"); !slices.Equal(synced, want) {
			t.Errorf("manager %s synced %v, want its shard's %v", m.name, synced, want)
		}
		if authored := seriesOf(families, "porch_authoring_steps_total"); !slices.Equal(authored, []string{names[i]}) {
			t.Errorf("manager %s authored in %v, want %s alone", m.name, authored, names[i])
		}
	}
}

// seriesOf lists, sorted and once each, the repository labels of family's series.
func seriesOf(families map[string]*dto.MetricFamily, family string) []string {
	var repos []string
	for _, m := range families[family].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "repository" && !slices.Contains(repos, l.GetValue()) {
				repos = append(repos, l.GetValue())
			}
		}
	}
	slices.Sort(repos)
	return repos
}
