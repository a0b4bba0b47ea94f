package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// authorPackage creates package pkg in repository repo by init, as a user
// with kubectl would, then proposes and approves it, waiting after each
// step until the revision reports it done; the revision ends Published as
// revision 1, with its content in its resources.
func authorPackage(t *testing.T, c client.Client, repo, pkg string) {
	t.Helper()
	ctx := context.Background()
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprintf("%s.%s.v1", repo, pkg)},
		Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: repo, PackageName: pkg, WorkspaceName: "v1",
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
			Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: "my app"}}}},
	}
	if err := c.Create(ctx, pr); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, client.ObjectKeyFromObject(pr))
	for _, lifecycle := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecyclePublished} {
		err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
			if err := c.Get(ctx, client.ObjectKeyFromObject(pr), pr); err != nil {
				return err
			}
			pr.Spec.Lifecycle = lifecycle
			return c.Update(ctx, pr)
		})
		if err != nil {
			t.Fatalf("%s: %v", lifecycle, err)
		}
		waitDone(t, c, client.ObjectKeyFromObject(pr))
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(pr), pr); err != nil {
		t.Fatal(err)
	}
	if pr.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecyclePublished || pr.Spec.Revision != 1 {
		t.Fatalf("%s is %s revision %d, want Published revision 1", pr.Name, pr.Spec.Lifecycle, pr.Spec.Revision)
	}
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
		t.Fatal(err)
	}
	if _, ok := prr.Status.Resources["Kptfile"]; !ok {
		t.Fatalf("the resources of %s hold no Kptfile: %v", pr.Name, prr.Status.Resources)
	}
}

// waitDone waits until the revision's generation is acted upon and Ready.
func waitDone(t *testing.T, c client.Client, key client.ObjectKey) {
	t.Helper()
	var last *porchv1alpha1.PackageRevision
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		pr := &porchv1alpha1.PackageRevision{}
		if err := c.Get(ctx, key, pr); err != nil {
			return false, nil
		}
		last = pr
		return pr.Status.ObservedGeneration == pr.Generation && meta.IsStatusConditionTrue(pr.Status.Conditions, porchv1alpha1.ConditionReady), nil
	})
	if err != nil {
		t.Fatalf("%s not done: %v (last status: %+v)", key, err, last)
	}
}
