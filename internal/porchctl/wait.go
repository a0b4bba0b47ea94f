package porchctl

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// DefaultTimeout is how long a command waits for its change to be carried out.
const DefaultTimeout = 2 * time.Minute

// pollInterval is how often a waiting command reads the object again.
const pollInterval = 100 * time.Millisecond

// Revision waits until the controller acted on the revision's current
// generation and returns it as stored. A revision that reports the change
// failed gives an error with the Ready condition's message.
func Revision(ctx context.Context, c client.Client, key client.ObjectKey, timeout time.Duration) (*porchv1alpha1.PackageRevision, error) {
	pr := &porchv1alpha1.PackageRevision{}
	var failed error
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		if err := c.Get(ctx, key, pr); err != nil {
			return false, err
		}
		if pr.Status.ObservedGeneration != pr.Generation {
			return false, nil
		}
		ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
		switch {
		case ready == nil || ready.ObservedGeneration != pr.Generation && ready.ObservedGeneration != 0:
			return false, nil
		case ready.Status == metav1.ConditionTrue:
			return true, nil
		case ready.Reason == porchv1alpha1.ReasonPending:
			return false, nil
		default:
			failed = errors.New(ready.Message)
			return true, nil
		}
	})
	if err != nil {
		return pr, timedOut(err, "PackageRevision", key.Name, timeout)
	}
	return pr, failed
}

// Resources waits until the controller acted on the current generation of
// a revision's resources, and returns them as stored.
func Resources(ctx context.Context, c client.Client, key client.ObjectKey, timeout time.Duration) (*porchv1alpha1.PackageRevisionResources, error) {
	prr := &porchv1alpha1.PackageRevisionResources{}
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		if err := c.Get(ctx, key, prr); err != nil {
			return false, err
		}
		return prr.Status.ObservedGeneration == prr.Generation, nil
	})
	return prr, timedOut(err, "PackageRevisionResources", key.Name, timeout)
}

// Gone waits until obj no longer exists.
func Gone(ctx context.Context, c client.Client, obj client.Object, timeout time.Duration) error {
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj)
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	return timedOut(err, "object", obj.GetName(), timeout)
}

// Repository waits until the repository reports whether it is ready for
// its current generation; one that is not gives an error with the reason.
func Repository(ctx context.Context, c client.Client, key client.ObjectKey, timeout time.Duration) (*configv1alpha1.Repository, error) {
	repo := &configv1alpha1.Repository{}
	var failed error
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		if err := c.Get(ctx, key, repo); err != nil {
			return false, err
		}
		ready := meta.FindStatusCondition(repo.Status.Conditions, configv1alpha1.ConditionReady)
		if ready == nil || ready.ObservedGeneration != repo.Generation {
			return false, nil
		}
		if ready.Status != metav1.ConditionTrue {
			failed = fmt.Errorf("repository %q is not ready (%s): %s", key.Name, ready.Reason, InCLITerms(ready.Message))
		}
		return true, nil
	})
	if err != nil {
		return repo, timedOut(err, "Repository", key.Name, timeout)
	}
	return repo, failed
}

// Latest waits until the revision, just published, carries the latest
// label, which the sync gives the highest published revision of a package
// once it has mirrored the approval: a script's next `rpkg get` shows it,
// as upstream's does. A revision published now has the highest number its
// package was ever given, so it always gets the label.
func Latest(ctx context.Context, c client.Client, key client.ObjectKey, timeout time.Duration) error {
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		pr := &porchv1alpha1.PackageRevision{}
		if err := c.Get(ctx, key, pr); err != nil {
			return false, err
		}
		return pr.Labels[porchv1alpha1.LatestPackageRevisionKey] == porchv1alpha1.LatestPackageRevisionValue, nil
	})
	return timedOut(err, "PackageRevision", key.Name, timeout)
}

// Synced waits until the repository reports a sync run at or after at,
// as spec.sync.runOnceAt asked.
func Synced(ctx context.Context, c client.Client, key client.ObjectKey, at metav1.Time, timeout time.Duration) error {
	err := poll(ctx, timeout, func(ctx context.Context) (bool, error) {
		repo := &configv1alpha1.Repository{}
		if err := c.Get(ctx, key, repo); err != nil {
			return false, err
		}
		return repo.Status.ObservedRunOnceAt != nil && !repo.Status.ObservedRunOnceAt.Before(&at), nil
	})
	if wait.Interrupted(err) {
		return fmt.Errorf("the sync of %s did not end within %v (--timeout)", key.Name, timeout)
	}
	return err
}

func poll(ctx context.Context, timeout time.Duration, done wait.ConditionWithContextFunc) error {
	return wait.PollUntilContextTimeout(ctx, pollInterval, timeout, true, done)
}

// timedOut words a wait that ran out of time; other errors pass as they are.
func timedOut(err error, kind, name string, timeout time.Duration) error {
	if err != nil && wait.Interrupted(err) {
		return fmt.Errorf("%s %q did not report the change within %v; it may still be carried out (--timeout)", kind, name, timeout)
	}
	return err
}
