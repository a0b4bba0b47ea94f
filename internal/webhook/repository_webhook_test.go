package webhook

import (
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// The fake client only stands in for the cache's List here; what the
// apiserver does with the answer is tested in test/envtest.
func validatorWith(t *testing.T, existing ...configv1alpha1.Repository) *RepositoryValidator {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := configv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	b := fake.NewClientBuilder().WithScheme(scheme)
	for i := range existing {
		b = b.WithObjects(&existing[i])
	}
	return &RepositoryValidator{Reader: b.Build()}
}

func TestRepositoryValidatorCreate(t *testing.T) {
	const url = "http://host/repo.git"
	v := validatorWith(t, gitRepo("blueprints", url, "", "a"), inNamespace(gitRepo("far", url, "", ""), "elsewhere"))
	ctx := as("alice")

	repo := gitRepo("new", url, "", "a/b")
	_, err := v.ValidateCreate(ctx, &repo)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `spec.git.directory: Invalid value: "a/b": Repository "blueprints"`) {
		t.Fatalf("want an Invalid error on spec.git.directory naming blueprints, got %v", err)
	}
	repo = gitRepo("new", url, "", "ab")
	if _, err := v.ValidateCreate(ctx, &repo); err != nil {
		t.Fatalf("a sibling directory was refused: %v", err)
	}
}

func TestRepositoryValidatorRefusesANameThatIsNoDNSLabel(t *testing.T) {
	v := validatorWith(t)
	for _, name := range []string{"a.b", strings.Repeat("a", 64), "-a", "a-"} {
		repo := gitRepo(name, "http://host/repo.git", "", "")
		_, err := v.ValidateCreate(as("alice"), &repo)
		want := `metadata.name: Invalid value: "` + name + `": must be a DNS label`
		if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("name %q: want an Invalid error with %q, got %v", name, want, err)
		}
	}
	repo := gitRepo(strings.Repeat("a", 63), "http://host/repo.git", "", "")
	if _, err := v.ValidateCreate(as("alice"), &repo); err != nil {
		t.Errorf("a DNS label of 63 was refused: %v", err)
	}
}

func TestRepositoryValidatorUpdate(t *testing.T) {
	const url = "http://host/repo.git"
	// Two Repositories that overlap already, say registered before the webhook existed.
	first, second := gitRepo("first", url, "", ""), gitRepo("second", url, "", "")
	v := validatorWith(t, first, second)
	ctx := as("alice")

	changed := first.DeepCopy()
	changed.Spec.Description = "edited"
	if _, err := v.ValidateUpdate(ctx, &first, changed); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `"second"`) {
		t.Fatalf("a spec change of an overlapping Repository was not refused: %v", err)
	}

	labelled := first.DeepCopy()
	labelled.Labels = map[string]string{"team": "a"}
	labelled.Finalizers = []string{"example.com/cleanup"}
	if _, err := v.ValidateUpdate(ctx, &first, labelled); err != nil {
		t.Fatalf("a metadata-only update was refused: %v", err)
	}

	deleting := changed.DeepCopy()
	deleting.DeletionTimestamp = &metav1.Time{}
	if _, err := v.ValidateUpdate(ctx, &first, deleting); err != nil {
		t.Fatalf("an update of a Repository being deleted was refused: %v", err)
	}

	alone := validatorWith(t, first)
	if _, err := alone.ValidateUpdate(ctx, &first, changed); err != nil {
		t.Fatalf("a Repository was compared with itself: %v", err)
	}
}
