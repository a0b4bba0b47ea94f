package webhook

import (
	"context"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// reviewer answers SubjectAccessReviews from readers, the users who may
// get each Secret, and counts the reviews asked; the apiserver's answers
// are tested in test/envtest.
type reviewer struct {
	readers map[string][]string // Secret name -> users
	asked   int
}

func (r *reviewer) funcs() interceptor.Funcs {
	return interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		review, ok := obj.(*authorizationv1.SubjectAccessReview)
		if !ok {
			return c.Create(ctx, obj, opts...)
		}
		r.asked++
		attrs := review.Spec.ResourceAttributes
		for _, user := range r.readers[attrs.Name] {
			review.Status.Allowed = review.Status.Allowed || (user == review.Spec.User && attrs.Verb == "get" && attrs.Resource == "secrets")
		}
		return nil
	}}
}

// fakeReaderWith is fakeReader whose calls pass through funcs.
func fakeReaderWith(t *testing.T, funcs interceptor.Funcs) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{porchv1alpha1.AddToScheme, configv1alpha1.AddToScheme, authorizationv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	b := fake.NewClientBuilder().WithScheme(scheme).WithInterceptorFuncs(funcs)
	return withIndexes(b).Build()
}

func repositoryValidator(t *testing.T, r *reviewer) *RepositoryValidator {
	t.Helper()
	c := fakeReaderWith(t, r.funcs())
	return &RepositoryValidator{Reader: c, reviews: c, system: newSystemUsers([]string{systemUser})}
}

func withSecret(r configv1alpha1.Repository, secret string) *configv1alpha1.Repository {
	r.Spec.Git.SecretRef.Name = secret
	return &r
}

func TestRepositoryValidatorSecretAccess(t *testing.T) {
	r := &reviewer{readers: map[string][]string{"auth": {"reader"}}}
	v := repositoryValidator(t, r)
	repo := withSecret(gitRepo("demo", "https://git.example.com/x.git", "", ""), "auth")

	_, err := v.ValidateCreate(as("mallory"), repo)
	expectRefusal(t, err, apierrors.IsForbidden,
		`spec.git.secretRef.name: user "mallory" may not get Secret "auth" in namespace ns; naming a Secret needs the permission get on it`)
	if _, err := v.ValidateCreate(as("reader"), repo); err != nil {
		t.Fatalf("a user who may read the Secret was refused: %v", err)
	}
	if _, err := v.ValidateCreate(as(systemUser), repo); err != nil {
		t.Fatalf("the system was refused: %v", err)
	}

	// An update that keeps the Secret asks nothing.
	asked := r.asked
	described := repo.DeepCopy()
	described.Spec.Description = "edited"
	if _, err := v.ValidateUpdate(as("mallory"), repo, described); err != nil || r.asked != asked {
		t.Fatalf("an update keeping the Secret: err %v, %d reviews asked", err, r.asked-asked)
	}
	moved := repo.DeepCopy()
	moved.Spec.Git.SecretRef.Name = "other"
	_, err = v.ValidateUpdate(as("reader"), repo, moved)
	expectRefusal(t, err, apierrors.IsForbidden, `spec.git.secretRef.name: user "reader" may not get Secret "other"`)

	oci := &configv1alpha1.Repository{ObjectMeta: repo.ObjectMeta, Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI,
		Oci: &configv1alpha1.OciRepository{Registry: "registry.example.com/packages", SecretRef: configv1alpha1.SecretRef{Name: "auth"}}}}
	_, err = v.ValidateCreate(as("mallory"), oci)
	expectRefusal(t, err, apierrors.IsForbidden, `spec.oci.secretRef.name: user "mallory" may not get Secret "auth"`)
}

func TestRepositoryValidatorRemotes(t *testing.T) {
	v := repositoryValidator(t, &reviewer{})
	for url, want := range map[string]string{
		"file:///var/cache/porch/git/x":          `spec.git.repo: Invalid value: "file:///var/cache/porch/git/x": remote not allowed`,
		"https://alice:s3cret@git.example.com/x": `spec.git.repo: Invalid value: "https://git.example.com/x": remote not allowed: "https://git.example.com/x" carries user info in the URL; put the credentials in a Secret and name it in secretRef`,
		"ssh://git@git.example.com/x.git":        "uses ssh; remotes are http(s) URLs",
	} {
		repo := gitRepo("demo", url, "", "")
		_, err := v.ValidateCreate(as("alice"), &repo)
		expectRefusal(t, err, apierrors.IsInvalid, want)
		if strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("the refusal shows the password: %v", err)
		}
		if _, err := v.ValidateCreate(as(systemUser), &repo); err != nil {
			t.Fatalf("the system's Repository at %s was refused: %v", url, err)
		}
	}
}

func TestPackageRevisionValidatorCloneFromGit(t *testing.T) {
	r := &reviewer{readers: map[string][]string{"auth": {"reader"}}}
	c := fakeReaderWith(t, r.funcs())
	v := &revisionValidator{rules: &PackageRevisionValidator{objects: &lookup{cache: c, api: c}, client: c}, system: newSystemUsers([]string{systemUser})}
	clone := func(url, secret string) *porchv1alpha1.PackageRevision {
		return named("r.app.v1", "r", "app", withTask(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
			Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeGit, Git: &porchv1alpha1.GitPackage{
				Repo: url, Ref: "main", Directory: "app", SecretRef: porchv1alpha1.SecretRef{Name: secret}}}}}))
	}

	_, err := v.ValidateCreate(as("mallory"), clone("https://git.example.com/x.git", "auth"))
	expectRefusal(t, err, apierrors.IsForbidden, `spec.tasks[0].clone.upstreamRef.git.secretRef.name: user "mallory" may not get Secret "auth"`)
	if _, err := v.ValidateCreate(as("reader"), clone("https://git.example.com/x.git", "auth")); err != nil {
		t.Fatalf("a user who may read the Secret was refused: %v", err)
	}
	_, err = v.ValidateCreate(as("reader"), clone("/var/cache/porch/git/other", ""))
	expectRefusal(t, err, apierrors.IsInvalid, `spec.tasks[0].clone.upstreamRef.git.repo: Invalid value: "/var/cache/porch/git/other": remote not allowed`)
	_, err = v.ValidateCreate(as("reader"), clone("https://u:p@git.example.com/x.git", ""))
	expectRefusal(t, err, apierrors.IsInvalid, `spec.tasks[0].clone.upstreamRef.git.repo: Invalid value: "https://git.example.com/x.git": remote not allowed: `+
		`"https://git.example.com/x.git" carries user info in the URL; put the credentials in a Secret and name it in secretRef`)
	if _, err := v.ValidateCreate(as(systemUser), clone("file:///srv/x", "auth")); err != nil {
		t.Fatalf("the system's clone was refused: %v", err)
	}
}

func TestPackageRevisionValidatorCloneFromAnImage(t *testing.T) {
	r := &reviewer{readers: map[string][]string{"registry": {"reader"}}}
	c := fakeReaderWith(t, r.funcs())
	rules := &PackageRevisionValidator{objects: &lookup{cache: c, api: c}, client: c}
	v := &revisionValidator{rules: rules, system: newSystemUsers([]string{systemUser})}
	clone := func(image, secret string) *porchv1alpha1.PackageRevision {
		return named("r.app.v1", "r", "app", withTask(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
			Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeOCI, Oci: &porchv1alpha1.OciPackage{
				Image: image, SecretRef: porchv1alpha1.SecretRef{Name: secret}}}}}))
	}

	_, err := v.ValidateCreate(as("mallory"), clone("oci://registry.example.com/blueprints/app:v1", "registry"))
	expectRefusal(t, err, apierrors.IsForbidden, `spec.tasks[0].clone.upstreamRef.oci.secretRef.name: user "mallory" may not get Secret "registry"`)
	if _, err := v.ValidateCreate(as("reader"), clone("oci://registry.example.com/blueprints/app:v1", "registry")); err != nil {
		t.Fatalf("a user who may read the Secret was refused: %v", err)
	}
	_, err = v.ValidateCreate(as("reader"), clone("oci://registry.example.com/Blue Prints/app:v1", ""))
	expectRefusal(t, err, apierrors.IsInvalid, `spec.tasks[0].clone.upstreamRef.oci.image: Invalid value: "oci://registry.example.com/Blue Prints/app:v1": invalid address: `+
		`"oci://registry.example.com/Blue Prints/app:v1" is not an image address`)

	rules.remotes.policy.DenyPrivate = true
	_, err = v.ValidateCreate(as("reader"), clone("169.254.169.254/metadata/app:v1", ""))
	expectRefusal(t, err, apierrors.IsInvalid, `spec.tasks[0].clone.upstreamRef.oci.image: Invalid value: "169.254.169.254/metadata/app:v1": `)
	if !strings.Contains(err.Error(), "private or link-local address") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
}
