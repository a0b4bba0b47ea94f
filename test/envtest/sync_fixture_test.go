package envtest

import (
	"fmt"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

const brokenYAML = "key: [unclosed\n  - : :\n"

// appKptfile carries a condition of the package itself, as kpt writes it.
var appKptfile = minimalKptfile("app") + "status:\n  conditions:\n  - type: config.injection.ConfigMap.settings\n    status: \"True\"\n    reason: ConfigInjected\n"

// buildFixture pushes to remote a repository with packages at the root and
// nested, tags v1..v3, a tag that is not v<int>, a tag without a path, draft
// and proposed branches, and a package over the suite's content limit.
func buildFixture(remote string) *gitWork {
	GinkgoHelper()
	w := newGitWork(remote)
	w.write(map[string]string{"basens/Kptfile": minimalKptfile("basens"), "basens/cm.yaml": configMap("basens", "v1")})
	w.commit("Approve basens/first", annotation("basens", "first", "v1", map[string]any{"type": "init", "init": map[string]any{"description": "basens package"}}))
	w.git("tag", "basens/v1")
	w.write(map[string]string{
		"blueprints/nested/app/Kptfile": appKptfile, "blueprints/nested/app/deploy.yaml": configMap("app", "v1"),
		"blueprints/nested/app/db/Kptfile": minimalKptfile("db"), "blueprints/nested/app/db/db.yaml": configMap("db", "v1"),
		"README.md": "not a package\n",
	})
	w.commit("Add app by hand", nil)
	w.git("tag", "blueprints/nested/app/v1")
	w.write(map[string]string{"basens/cm.yaml": configMap("basens", "v2")})
	w.commit("Approve basens/second", annotation("basens", "second", "v2", nil))
	w.git("tag", "basens/v2")
	w.git("tag", "basens/v2.0.0")
	w.write(map[string]string{"basens/cm.yaml": configMap("basens", "v3"), "basens/broken.yaml": brokenYAML})
	w.commit("Approve basens/third", annotation("basens", "third", "v3", nil))
	w.git("tag", "basens/v3")
	w.git("tag", "release")
	w.write(map[string]string{"huge/Kptfile": minimalKptfile("huge"), "huge/data.txt": strings.Repeat("x", 100<<10)})
	w.commit("Add a package over the content limit", nil)
	w.push("main", "--tags")

	w.git("checkout", "-q", "-b", "drafts/basens/wip")
	w.write(map[string]string{"basens/cm.yaml": configMap("basens", "wip")})
	w.commit("Intermediate commit", annotation("basens", "wip", "", map[string]any{"type": "edit", "edit": map[string]any{"sourceRef": map[string]any{"name": "all.basens.third"}}}))
	w.push("drafts/basens/wip")
	w.git("checkout", "-q", "main")
	w.git("checkout", "-q", "-b", "proposed/blueprints/nested/app/review")
	w.write(map[string]string{"blueprints/nested/app/deploy.yaml": configMap("app", "review")})
	w.commit("Intermediate commit", annotation("blueprints/nested/app", "review", "", map[string]any{"type": "clone",
		"clone": map[string]any{"upstreamRef": map[string]any{"type": "git", "git": map[string]any{"repo": "https://example.com/up.git", "ref": "v1", "directory": "app"}}}}))
	w.push("proposed/blueprints/nested/app/review")
	w.git("checkout", "-q", "main")
	return w
}

// revisionRows summarises the PackageRevisions of a repository, one sorted line each.
func revisionRows(namespace, repository string) func() []string {
	return func() []string {
		list := &porchv1alpha1.PackageRevisionList{}
		Expect(k8s.List(ctx, list, client.InNamespace(namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: repository})).To(Succeed())
		rows := []string{}
		for _, pr := range list.Items {
			task := ""
			if len(pr.Spec.Tasks) > 0 {
				task = string(pr.Spec.Tasks[0].Type)
			}
			rows = append(rows, fmt.Sprintf("%s %s %s %d %s latest=%v task=%s", pr.Name, pr.Spec.PackageName, pr.Spec.WorkspaceName,
				pr.Spec.Revision, pr.Spec.Lifecycle, pr.Labels[porchv1alpha1.LatestPackageRevisionKey] == "true", task))
		}
		sort.Strings(rows)
		return rows
	}
}

// packageRows summarises the PorchPackages of a namespace.
func packageRows(namespace string) func() []string {
	return func() []string {
		list := &porchv1alpha1.PorchPackageList{}
		Expect(k8s.List(ctx, list, client.InNamespace(namespace))).To(Succeed())
		rows := []string{}
		for _, p := range list.Items {
			rows = append(rows, fmt.Sprintf("%s %s %s %d", p.Name, p.Spec.PackageName, p.Spec.RepositoryName, p.Status.LatestRevision))
		}
		sort.Strings(rows)
		return rows
	}
}

func resourceList(namespace, repository string) []string {
	list := &porchv1alpha1.PackageRevisionResourcesList{}
	Expect(k8s.List(ctx, list, client.InNamespace(namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: repository})).To(Succeed())
	names := []string{}
	for _, prr := range list.Items {
		names = append(names, prr.Name)
	}
	return names
}

func resourcesOf(namespace, name string) map[string]string {
	GinkgoHelper()
	prr := &porchv1alpha1.PackageRevisionResources{}
	Expect(k8s.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, prr)).To(Succeed())
	return prr.Status.Resources
}

func revision(namespace, name string) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	pr := &porchv1alpha1.PackageRevision{}
	Expect(k8s.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, pr)).To(Succeed())
	return pr
}

// resourceVersions maps every mirrored object of a namespace to its resourceVersion.
func resourceVersions(namespace string) func() map[string]string {
	return func() map[string]string {
		out := map[string]string{}
		for _, list := range []client.ObjectList{&porchv1alpha1.PackageRevisionList{}, &porchv1alpha1.PackageRevisionResourcesList{}, &porchv1alpha1.PorchPackageList{}} {
			Expect(k8s.List(ctx, list, client.InNamespace(namespace))).To(Succeed())
			Expect(meta.EachListItem(list, func(o runtime.Object) error {
				obj := o.(client.Object)
				out[fmt.Sprintf("%T/%s", obj, obj.GetName())] = obj.GetResourceVersion()
				return nil
			})).To(Succeed())
		}
		return out
	}
}

func readyReason(repo *configv1alpha1.Repository) func() string {
	return func() string {
		got := &configv1alpha1.Repository{}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(repo), got); err != nil {
			return err.Error()
		}
		if c := meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady); c != nil {
			return c.Reason
		}
		return ""
	}
}
