package localmode

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/render"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

// BlueprintsRepository is the repository of example packages the local
// mode makes on its first run, and registers under this name in namespace
// default.
const BlueprintsRepository = "blueprints"

// blueprints are the example packages: a plain one, one with a function
// pipeline of builtin functions, and one with a readiness gate.
//
//go:embed blueprints
var blueprints embed.FS

// blueprintOrder is the order they are published in.
var blueprintOrder = []string{"basens", "app", "gated"}

// seedBlueprints publishes the example packages as revision 1 each into
// a new repository blueprints.git of the local git server, as the product
// itself writes packages: a draft, proposed, then approved. It does
// nothing, and says so, when the repository exists: the examples are
// made once, and what a user did to them since stays.
func (e *Env) seedBlueprints(ctx context.Context, gitRoot string) (bool, error) {
	if _, err := os.Stat(filepath.Join(gitRoot, BlueprintsRepository+".git")); !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	ep := git.Endpoint{URL: e.Git.RepoURL(BlueprintsRepository)}
	if _, err := git.CreateBranch(ctx, ep, "main", git.DefaultSignature, "# Example packages\n\nBlueprints to clone, made by the local mode.\n"); err != nil {
		return false, err
	}
	scratch, err := os.MkdirTemp("", "porch-blueprints-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(scratch)
	mirror, err := git.OpenMirror(scratch, ep)
	if err != nil {
		return false, err
	}
	if err := mirror.Fetch(ctx); err != nil {
		return false, err
	}
	w, err := git.NewWriter(mirror, git.WriterOptions{Branch: "main"})
	if err != nil {
		return false, err
	}
	for _, pkg := range blueprintOrder {
		if err := publishBlueprint(ctx, w, pkg); err != nil {
			return false, fmt.Errorf("publishing the example package %s: %w", pkg, err)
		}
	}
	return true, nil
}

// renderedBlueprint is one example package, rendered.
func renderedBlueprint(ctx context.Context, pkg string) (cad.Package, error) {
	files := cad.Package{}
	err := fs.WalkDir(blueprints, path.Join("blueprints", pkg), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := blueprints.ReadFile(p)
		files[path.Base(p)] = string(data)
		return err
	})
	if err != nil {
		return nil, err
	}
	rendered, _, err := render.Render(ctx, files, runner.NewInProcess(builtin.New()), render.Options{Name: pkg})
	return rendered, err
}

// publishBlueprint renders one example package and publishes it as v1.
func publishBlueprint(ctx context.Context, w *git.Writer, pkg string) error {
	rendered, err := renderedBlueprint(ctx, pkg)
	if err != nil {
		return err
	}
	state, err := w.State(pkg, "v1")
	if err != nil {
		return err
	}
	draft, err := w.CreateDraft(ctx, git.DraftSpec{Package: pkg, Workspace: "v1", Files: rendered, Base: state.Branch,
		Task: porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}})
	if err != nil {
		return err
	}
	if err := w.Propose(ctx, pkg, "v1", draft); err != nil {
		return err
	}
	if state, err = w.State(pkg, "v1"); err != nil {
		return err
	}
	_, err = w.Publish(ctx, pkg, "v1", state.Proposed)
	return err
}

// RegisterBlueprints registers the example repository as Repository
// BlueprintsRepository in namespace default, when this run made it, and
// waits until it is synced, so that its packages are listed once the local
// mode says it is ready. The webhooks must be serving.
func (e *Env) RegisterBlueprints(ctx context.Context, c client.Client) error {
	if !e.SeededBlueprints {
		return nil
	}
	if err := register(ctx, c, &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: BlueprintsRepository, Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Description: "Example packages to clone",
			Git: &configv1alpha1.GitRepository{Repo: e.Git.RepoURL(BlueprintsRepository), Branch: "main"}},
	}); err != nil {
		return err
	}
	return register(ctx, c, &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: OCIBlueprintsRepository, Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI, Description: "Example packages to clone, as images",
			Oci: &configv1alpha1.OciRepository{Registry: e.Registry.Path(BlueprintsRepository)}},
	})
}

// register creates repo and waits until it is synced.
func register(ctx context.Context, c client.Client, repo *configv1alpha1.Repository) error {
	if err := c.Create(ctx, repo); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("registering the example repository %s: %w", repo.Name, err)
	}
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		// c may read from a cache that has not seen the create yet.
		if err := c.Get(ctx, client.ObjectKeyFromObject(repo), repo); err != nil {
			return false, client.IgnoreNotFound(err)
		}
		return meta.IsStatusConditionTrue(repo.Status.Conditions, configv1alpha1.ConditionReady), nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the example repository %s to be synced: %w", repo.Name, err)
	}
	return nil
}
