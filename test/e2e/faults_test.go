package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/internal/failpoint"
)

// fault is one failure at one point of one authoring step.
type fault struct {
	step, point, action string
}

// pkg is the package the fault's step authors: one each.
func (f fault) pkg() string {
	return fmt.Sprintf("%s-%s-%s", f.step, f.point, f.action)
}

func (f fault) failpoint() string { return f.pkg() + ":" + f.point + "=" + f.action }

// The attack: for each authoring step (create, edit, propose, approve,
// delete), the manager dies right before or right after its git write, or
// the push fails, or the write is reported failed after it reached the
// remote, or the status write fails. Once a manager runs again, every step
// completes, and git and the objects agree: no orphan branch or tag, no
// Draft lost, no revision with two numbers or a number given twice.
func TestFaultsAtEveryStep(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	work := t.TempDir()
	gitRoot := filepath.Join(work, "git")
	git := startGitServer(t, gitRoot, "blueprints")
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-tags", "failpoints", "-o", filepath.Join(bin, "manager"), "github.com/porch-dev/porch/cmd/manager").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags failpoints: %v\n%s", err, out)
	}
	buildCommands(t, bin, "isolated-function")
	plane, kubeconfig := startPlane(t, filepath.Join(work, "plane"))
	c, err := controlplane.NewClient(plane.Config, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	// start runs a manager, the only one, with failpoints armed.
	start := func(failpoints ...string) *replica {
		runs++
		return startSoleManager(t, plane, filepath.Join(bin, "manager"), kubeconfig, filepath.Join(work, fmt.Sprintf("run%d", runs)),
			[]string{failpoint.EnvVar + "=" + strings.Join(failpoints, ",")}, "--cache-dir="+filepath.Join(work, "cache"))
	}

	var faults []fault
	for _, step := range []string{"create", "edit", "propose", "approve", "delete"} {
		for _, at := range []struct{ point, action string }{
			{failpoint.BeforePush, "kill"}, {failpoint.AfterPush, "kill"},
			{failpoint.BeforePush, "error"}, {failpoint.AfterPush, "error"}, {failpoint.BeforeStatus, "error"},
		} {
			if step == "delete" && at.point == failpoint.BeforeStatus {
				continue // a deleted revision has no status to write
			}
			faults = append(faults, fault{step: step, point: at.point, action: at.action})
		}
	}
	// A create writes its status before it adopts its draft, as the
	// handoff to the sync asks, and a sync leaves alone what is not adopted.
	faults = append(faults, fault{step: "create", point: failpoint.BeforeAdopt, action: "kill"},
		fault{step: "create", point: failpoint.BeforeAdopt, action: "error"})

	By := func(what string) { t.Log(what) }
	By("setting up, with no failpoint: each package where its step starts")
	m := start()
	createAdmitted(t, c, &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "blueprints", Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: git.RepoURL("blueprints")}}})
	waitRepositoryReady(t, c, "blueprints")
	for _, f := range faults {
		if f.step == "create" {
			continue
		}
		key := client.ObjectKeyFromObject(createDraft(t, c, f.pkg()))
		waitDone(t, c, key)
		switch f.step {
		case "approve":
			setLifecycle(t, c, key, porchv1alpha1.PackageRevisionLifecycleProposed)
			waitDone(t, c, key)
		case "delete":
			for _, lifecycle := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed,
				porchv1alpha1.PackageRevisionLifecyclePublished, porchv1alpha1.PackageRevisionLifecycleDeletionProposed} {
				setLifecycle(t, c, key, lifecycle)
				waitDone(t, c, key)
			}
		}
	}
	m.stop()

	By("the failures: every error at once, then each kill in turn")
	var errorsAt, kills []fault
	for _, f := range faults {
		if f.action == "error" {
			errorsAt = append(errorsAt, f)
		} else {
			kills = append(kills, f)
		}
	}
	var armed []string
	for _, f := range errorsAt {
		armed = append(armed, f.failpoint())
	}
	m = start(armed...)
	for _, f := range errorsAt {
		takeStep(t, c, f)
	}
	for _, f := range errorsAt {
		waitStepDone(t, c, f)
	}
	if fired := len(regexp.MustCompile(`(?m)^failpoint `).FindAllString(m.output(), -1)); fired != len(errorsAt) {
		t.Errorf("%d of the %d failpoints fired:\n%s", fired, len(errorsAt), m.output())
	}
	m.stop()
	for _, f := range kills {
		m = start(f.failpoint())
		takeStep(t, c, f)
		waitFor(t, "the manager killed at "+f.failpoint(), time.Minute, func() bool { return !m.alive() })
	}
	m = start()
	for _, f := range faults {
		waitStepDone(t, c, f)
	}

	By("git and the objects agree")
	checkAgreement(t, c, filepath.Join(gitRoot, "blueprints.git"))
	m.stop()
}

// startSoleManager runs bin as the only manager of the control plane,
// serving the webhooks where the apiserver calls them, and waits until they
// answer.
func startSoleManager(t *testing.T, plane *controlplane.ControlPlane, bin, kubeconfig, dir string, env []string, args ...string) *replica {
	t.Helper()
	hook := plane.WebhookServerOptions()
	address := net.JoinHostPort(hook.Host, strconv.Itoa(hook.Port))
	m := startManagerProcess(t, filepath.Base(dir), bin, dir, env, append([]string{"--kubeconfig=" + kubeconfig,
		"--webhook-cert-path=" + hook.CertDir, "--webhook-host=" + hook.Host, fmt.Sprintf("--webhook-port=%d", hook.Port),
		"--health-probe-bind-address=0", "--system-users=" + controlplane.ManagerUser}, args...)...)
	waitFor(t, "the webhook server", time.Minute, func() bool {
		conn, err := net.DialTimeout("tcp", address, time.Second)
		if err == nil {
			_ = conn.Close()
		}
		return err == nil
	})
	return m
}

// createDraft makes a Draft of pkg in blueprints by init, as a user does.
func createDraft(t *testing.T, c client.Client, pkg string) *porchv1alpha1.PackageRevision {
	t.Helper()
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "blueprints." + pkg + ".v1"},
		Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: "blueprints", PackageName: pkg, WorkspaceName: "v1",
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
			Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: pkg}}}},
	}
	createAdmitted(t, c, pr)
	return pr
}

// takeStep asks for the fault's step, as a user does.
func takeStep(t *testing.T, c client.Client, f fault) {
	t.Helper()
	key := client.ObjectKey{Namespace: "default", Name: "blueprints." + f.pkg() + ".v1"}
	ctx := context.Background()
	switch f.step {
	case "create":
		createDraft(t, c, f.pkg())
	case "edit":
		editDraft(t, c, key)
	case "propose":
		setLifecycle(t, c, key, porchv1alpha1.PackageRevisionLifecycleProposed)
	case "approve":
		setLifecycle(t, c, key, porchv1alpha1.PackageRevisionLifecyclePublished)
	case "delete":
		if err := c.Delete(ctx, &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}); err != nil {
			t.Fatalf("delete %s: %v", key.Name, err)
		}
	}
}

// waitStepDone waits until the fault's step is carried out.
func waitStepDone(t *testing.T, c client.Client, f fault) {
	t.Helper()
	key := client.ObjectKey{Namespace: "default", Name: "blueprints." + f.pkg() + ".v1"}
	if f.step == "delete" {
		waitFor(t, key.Name+" deleted", time.Minute, func() bool {
			return apierrors.IsNotFound(c.Get(context.Background(), key, &porchv1alpha1.PackageRevision{}))
		})
		return
	}
	waitDone(t, c, key)
	if f.step == "edit" {
		waitEdited(t, c, key)
	}
}

// editDraft adds edited.yaml to the committed resources of the Draft key.
func editDraft(t *testing.T, c client.Client, key client.ObjectKey) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := c.Get(context.Background(), key, prr); err != nil {
			return err
		}
		prr.Spec.Resources = map[string]string{}
		for name, content := range prr.Status.Resources {
			prr.Spec.Resources[name] = content
		}
		prr.Spec.Resources["edited.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited\n"
		return c.Update(context.Background(), prr)
	})
	if err != nil {
		t.Fatalf("edit %s: %v", key.Name, err)
	}
}

// waitEdited waits until editDraft's edit of key is committed.
func waitEdited(t *testing.T, c client.Client, key client.ObjectKey) {
	t.Helper()
	waitFor(t, key.Name+"'s edit committed", time.Minute, func() bool {
		prr := &porchv1alpha1.PackageRevisionResources{}
		return c.Get(context.Background(), key, prr) == nil && prr.Status.Resources["edited.yaml"] != "" && prr.Generation == prr.Status.ObservedGeneration
	})
}

var layoutRef = regexp.MustCompile(`^refs/(heads/(drafts|proposed|deletionProposed)/(.+)/([^/]+)|tags/(.+)/v([0-9]+))$`)

// checkAgreement checks that every revision's refs are in git, and every
// ref of the layout is a revision's: a Draft its drafts branch, a Proposed
// one its proposed branch, a Published one its tag, one number each and
// each number once per package.
func checkAgreement(t *testing.T, c client.Client, bare string) {
	t.Helper()
	want := map[string]bool{}
	numbers := map[string]string{}
	revisions := &porchv1alpha1.PackageRevisionList{}
	if err := c.List(context.Background(), revisions, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	for _, pr := range revisions.Items {
		s := pr.Spec
		if s.Revision < 0 {
			continue // the registered branch's placeholder
		}
		switch s.Lifecycle {
		case porchv1alpha1.PackageRevisionLifecycleDraft:
			want["refs/heads/drafts/"+s.PackageName+"/"+s.WorkspaceName] = true
		case porchv1alpha1.PackageRevisionLifecycleProposed:
			want["refs/heads/proposed/"+s.PackageName+"/"+s.WorkspaceName] = true
		case porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
			want[fmt.Sprintf("refs/heads/deletionProposed/%s/v%d", s.PackageName, s.Revision)] = true
			fallthrough
		case porchv1alpha1.PackageRevisionLifecyclePublished:
			want[fmt.Sprintf("refs/tags/%s/v%d", s.PackageName, s.Revision)] = true
			number := s.PackageName + "/" + strconv.Itoa(s.Revision)
			if other, taken := numbers[number]; taken {
				t.Errorf("%s and %s both have number %s", other, pr.Name, number)
			}
			numbers[number] = pr.Name
		}
	}
	have := map[string]bool{}
	for _, ref := range gitRefs(t, bare, "refs/") {
		if layoutRef.MatchString(ref) {
			have[ref] = true
		}
	}
	var missing, orphans []string
	for ref := range want {
		if !have[ref] {
			missing = append(missing, ref)
		}
	}
	for ref := range have {
		if !want[ref] {
			orphans = append(orphans, ref)
		}
	}
	sort.Strings(missing)
	sort.Strings(orphans)
	if len(missing) > 0 {
		t.Errorf("revisions whose refs git lacks: %v", missing)
	}
	if len(orphans) > 0 {
		t.Errorf("refs no revision stands for: %v", orphans)
	}
}

// The attack: the git server fails a push, answering 500 or never
// answering, before or after the push reached the repository. Each
// proposal completes once the server is well again, no push waits longer
// than --authoring-git-timeout, and git and the objects agree. Then a
// rejection hangs, and the Draft is edited before it is carried out: the
// rejection and the edit both complete. Then a create's push lands without
// an answer and the Draft is deleted meanwhile: it stays deleted.
func TestGitServerFaults(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	work := t.TempDir()
	gitRoot := filepath.Join(work, "git")
	git := startGitServer(t, gitRoot, "blueprints")
	faulty := &faultyGit{next: git.Handler(), stop: make(chan struct{})}
	front := httptest.NewServer(faulty)
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(faulty.stop) }) // before the server closes, which waits for its requests
	plane, kubeconfig := startPlane(t, filepath.Join(work, "plane"))
	c, err := controlplane.NewClient(plane.Config, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	m := startSoleManager(t, plane, buildManager(t), kubeconfig, filepath.Join(work, "manager"), nil,
		"--cache-dir="+filepath.Join(work, "cache"), "--authoring-git-timeout=5s", "--repository-sync-interval=10m")
	createAdmitted(t, c, &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "blueprints", Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: front.URL + "/blueprints.git"}}})
	waitRepositoryReady(t, c, "blueprints")

	modes := []string{"500-before", "500-after", "hang-before", "hang-after"}
	for _, mode := range modes {
		waitDone(t, c, client.ObjectKeyFromObject(createDraft(t, c, "push-"+mode)))
	}
	for _, mode := range modes {
		key := client.ObjectKey{Namespace: "default", Name: "blueprints.push-" + mode + ".v1"}
		faulty.arm(mode)
		started := time.Now()
		setLifecycle(t, c, key, porchv1alpha1.PackageRevisionLifecycleProposed)
		waitDone(t, c, key)
		if !faulty.fired(mode) {
			t.Errorf("%s: the fault never came: no push reached the server", mode)
		}
		t.Logf("%s: proposed %s after the fault", mode, time.Since(started).Round(100*time.Millisecond))
	}

	// A rejection hangs at the git server, and the user edits the Draft
	// it asked for before it is carried out: both are, the rejection first.
	rejected := client.ObjectKey{Namespace: "default", Name: "blueprints.push-500-before.v1"}
	faulty.arm("hang-before")
	setLifecycle(t, c, rejected, porchv1alpha1.PackageRevisionLifecycleDraft)
	waitFor(t, "the rejection's push", time.Minute, func() bool { return faulty.fired("hang-before") })
	editDraft(t, c, rejected)
	waitDone(t, c, rejected)
	waitEdited(t, c, rejected)

	// A create's push lands but its answer never comes, and the user
	// deletes the Draft meanwhile: its branch goes with it, and the next
	// sync does not bring it back.
	pushes := faulty.count("hang-after")
	faulty.arm("hang-after")
	gone := createDraft(t, c, "deleted-while-created")
	waitFor(t, "the create's push", time.Minute, func() bool { return faulty.count("hang-after") > pushes })
	if err := c.Delete(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	waitFor(t, gone.Name+" deleted", time.Minute, func() bool {
		return apierrors.IsNotFound(c.Get(context.Background(), client.ObjectKeyFromObject(gone), &porchv1alpha1.PackageRevision{}))
	})
	repoKey := client.ObjectKey{Namespace: "default", Name: "blueprints"}
	requestSync(t, c, repoKey)
	waitFor(t, "a sync after the deletion", time.Minute, func() bool {
		repo := &configv1alpha1.Repository{}
		return c.Get(context.Background(), repoKey, repo) == nil && repo.Status.ObservedRunOnceAt != nil && repo.Status.ObservedRunOnceAt.Equal(repo.Spec.Sync.RunOnceAt)
	})
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(gone), &porchv1alpha1.PackageRevision{}); !apierrors.IsNotFound(err) {
		t.Errorf("%s came back after its deletion (%v)", gone.Name, err)
	}

	checkAgreement(t, c, filepath.Join(gitRoot, "blueprints.git"))
	m.stop()
}

// faultyGit serves git through next, and fails the next push (a POST to
// git-receive-pack) as armed: answering 500, or never answering until the
// client gives up, before the push reaches the repository or after.
type faultyGit struct {
	next http.Handler
	// stop ends every hang: the test is over.
	stop chan struct{}

	mu    sync.Mutex
	armed string
	done  []string
}

func (g *faultyGit) arm(mode string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed = mode
}

func (g *faultyGit) fired(mode string) bool { return g.count(mode) > 0 }

// count is how many times the fault mode came.
func (g *faultyGit) count(mode string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, done := range g.done {
		if done == mode {
			n++
		}
	}
	return n
}

func (g *faultyGit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/git-receive-pack") {
		g.next.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	mode := g.armed
	g.armed = ""
	if mode != "" {
		g.done = append(g.done, mode)
	}
	g.mu.Unlock()
	if strings.HasSuffix(mode, "-after") {
		g.next.ServeHTTP(httptest.NewRecorder(), r) // the push lands; its answer is lost
	}
	switch {
	case strings.HasPrefix(mode, "500-"):
		http.Error(w, "injected failure", http.StatusInternalServerError)
	case strings.HasPrefix(mode, "hang-"):
		select {
		case <-r.Context().Done():
		case <-g.stop:
		}
	default:
		g.next.ServeHTTP(w, r)
	}
}
