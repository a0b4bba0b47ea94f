package webhook

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/syncschedule"
)

// +kubebuilder:webhook:path=/validate-config-porch-kpt-dev-v1alpha1-repository,mutating=false,failurePolicy=fail,sideEffects=None,groups=config.porch.kpt.dev,resources=repositories,verbs=create;update,versions=v1alpha1,name=vrepository-v1alpha1.config.porch.kpt.dev,admissionReviewVersions=v1

// RepositoryValidator refuses what CEL cannot see because it needs the other
// Repositories of the namespace (two Repositories over the same packages),
// the manager's settings (a remote it does not reach for users) or the
// caller's permissions (a Secret the user may not read).
type RepositoryValidator struct {
	// Reader lists Repositories; the manager's cache, so that admission costs
	// no apiserver round trip. Two creates within the cache's delay can both
	// pass; no webhook can close that race, it only keeps mistakes out.
	Reader client.Reader
	// reviews creates SubjectAccessReviews.
	reviews client.Client
	// system are the manager's users, whose Repositories (the local mode's
	// example) are held to the overlap rule only.
	system  systemUsers
	remotes remoteRules
	// MinSyncInterval is the shortest time allowed between two firings of
	// spec.sync.schedule; syncschedule.DefaultMinInterval when zero.
	MinSyncInterval time.Duration
}

var _ admission.Validator[*configv1alpha1.Repository] = &RepositoryValidator{}

func setupRepositoryWebhook(mgr ctrl.Manager, system systemUsers, remotes remoteRules, minSyncInterval time.Duration) error {
	return ctrl.NewWebhookManagedBy(mgr, &configv1alpha1.Repository{}).
		WithValidator(countDecisions("repository", admission.Validator[*configv1alpha1.Repository](&RepositoryValidator{Reader: mgr.GetClient(), reviews: mgr.GetClient(), system: system, remotes: remotes, MinSyncInterval: minSyncInterval}))).
		Complete()
}

// ValidateCreate refuses a Repository whose name is no DNS label, one
// overlapping another of its namespace,
// a remote the manager does not reach for users, and a Secret the user may
// not read.
func (v *RepositoryValidator) ValidateCreate(ctx context.Context, repo *configv1alpha1.Repository) (admission.Warnings, error) {
	return nil, v.validate(ctx, nil, repo)
}

// ValidateUpdate checks a changed spec as a create would. An update that
// leaves the spec alone (finalizers, labels) or of a Repository being deleted
// always passes: a pair that overlaps already, registered before this rule
// existed, must still be deletable.
func (v *RepositoryValidator) ValidateUpdate(ctx context.Context, oldRepo, repo *configv1alpha1.Repository) (admission.Warnings, error) {
	if repo.DeletionTimestamp != nil || equality.Semantic.DeepEqual(oldRepo.Spec, repo.Spec) {
		return nil, nil
	}
	return nil, v.validate(ctx, oldRepo, repo)
}

// ValidateDelete allows every deletion; the webhook is not registered for it.
func (v *RepositoryValidator) ValidateDelete(context.Context, *configv1alpha1.Repository) (admission.Warnings, error) {
	return nil, nil
}

// validate checks a new Repository, or a changed one against old: the
// spec first (422), then the caller's permission on the Secrets it names
// anew (403).
func (v *RepositoryValidator) validate(ctx context.Context, old, repo *configv1alpha1.Repository) error {
	who, err := v.system.callerOf(ctx)
	if err != nil {
		return err
	}
	var errs field.ErrorList
	if old == nil {
		errs = validateName(repo)
	}
	if !who.system {
		errs = append(errs, v.remotes.repository(ctx, old, repo)...)
	}
	others := &configv1alpha1.RepositoryList{}
	if err := v.Reader.List(ctx, others, client.InNamespace(repo.Namespace)); err != nil {
		return fmt.Errorf("listing the Repositories of namespace %s: %w", repo.Namespace, err)
	}
	errs = append(errs, validateNoOverlap(repo, others.Items)...)
	if errs = append(errs, validateSchedule(repo, cmp.Or(v.MinSyncInterval, syncschedule.DefaultMinInterval))...); len(errs) > 0 {
		return apierrors.NewInvalid(configv1alpha1.GroupVersion.WithKind("Repository").GroupKind(), repo.Name, errs)
	}
	if who.system {
		return nil
	}
	return maySecrets(ctx, v.reviews, who, repositoryResource, repo.Name, repo.Namespace,
		changedSecrets(repositorySecrets(old), repositorySecrets(repo)))
}

var repositoryResource = configv1alpha1.GroupVersion.WithResource("repositories").GroupResource()
