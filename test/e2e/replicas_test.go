package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/internal/gitserver"
)

// leaseDuration is the replicas' --leader-election-lease-duration here.
const leaseDuration = 6 * time.Second

// replica is one manager process of two.
type replica struct {
	name    string
	cmd     *exec.Cmd
	webhook string // its webhook server's address
	metrics string // its metrics URL
	log     string
	exited  chan struct{}
}

// Two managers run against one control plane, as the two replicas of
// config/default do: both serve the webhooks, one leads the controllers.
// Drafts are made and a package proposed through both webhooks; the leader
// is killed the moment the publish is admitted. The other replica takes
// over within the lease, the publish completes once (one tag, one revision
// number), no Draft is lost, and both replicas answered admission while
// one of them led.
func TestTwoManagersOneLeader(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	work := t.TempDir()
	plane, git, replicas := startTwoReplicas(t, work)
	gitRoot := filepath.Join(work, "git")

	c, err := controlplane.NewClient(plane.Config, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "blueprints", Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: git.RepoURL("blueprints")}}}
	createAdmitted(t, c, repo)
	waitFor(t, "the repository Ready", time.Minute, func() bool {
		got := &configv1alpha1.Repository{}
		return c.Get(ctx, client.ObjectKeyFromObject(repo), got) == nil && meta.IsStatusConditionTrue(got.Status.Conditions, configv1alpha1.ConditionReady)
	})
	leader := waitLeader(t, replicas, time.Minute)

	// Drafts, through both webhooks.
	var drafts []*porchv1alpha1.PackageRevision
	for _, pkg := range []string{"one", "two", "three", "app"} {
		drafts = append(drafts, createDraft(t, c, pkg))
	}
	for _, pr := range drafts {
		waitDone(t, c, client.ObjectKeyFromObject(pr))
	}
	app := client.ObjectKeyFromObject(drafts[3])
	setLifecycle(t, c, app, porchv1alpha1.PackageRevisionLifecycleProposed)
	waitDone(t, c, app)

	// Both replicas answered admission while one led.
	for _, r := range replicas {
		if n := admissionsAnswered(t, r); n == 0 {
			t.Errorf("replica %s answered no admission review", r.name)
		}
	}

	// The publish is admitted, and its leader dies at once.
	setLifecycle(t, c, app, porchv1alpha1.PackageRevisionLifecyclePublished)
	killed := time.Now()
	leader.kill()
	var survivor *replica
	for _, r := range replicas {
		if r != leader {
			survivor = r
		}
	}
	waitLeader(t, []*replica{survivor}, leaseDuration+5*time.Second)
	t.Logf("replica %s led %s after the leader was killed", survivor.name, time.Since(killed).Round(100*time.Millisecond))

	waitDone(t, c, app)
	published := &porchv1alpha1.PackageRevision{}
	if err := c.Get(ctx, app, published); err != nil {
		t.Fatal(err)
	}
	if published.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecyclePublished || published.Spec.Revision != 1 {
		t.Fatalf("app is %s revision %d, want Published revision 1", published.Spec.Lifecycle, published.Spec.Revision)
	}
	// Once: one tag in git, one revision of app numbered.
	if tags := gitRefs(t, filepath.Join(gitRoot, "blueprints.git"), "refs/tags/app/"); len(tags) != 1 || tags[0] != "refs/tags/app/v1" {
		t.Errorf("app's tags: %v, want refs/tags/app/v1 alone", tags)
	}
	revisions := &porchv1alpha1.PackageRevisionList{}
	if err := c.List(ctx, revisions, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	numbered := 0
	for _, pr := range revisions.Items {
		if pr.Spec.PackageName == "app" && pr.Spec.Revision > 0 {
			numbered++
		}
	}
	if numbered != 1 {
		t.Errorf("%d revisions of app are numbered, want 1", numbered)
	}
	// No Draft lost: each still there, done, on its branch.
	branches := gitRefs(t, filepath.Join(gitRoot, "blueprints.git"), "refs/heads/drafts/")
	for _, pr := range drafts[:3] {
		waitDone(t, c, client.ObjectKeyFromObject(pr))
		want := "refs/heads/drafts/" + pr.Spec.PackageName + "/v1"
		if !strings.Contains(strings.Join(branches, " "), want) {
			t.Errorf("no branch %s for %s: %v", want, pr.Name, branches)
		}
	}
}

// startTwoReplicas starts, in work, a control plane, a git server holding
// blueprints (under work/git) and two manager replicas serving its webhooks.
func startTwoReplicas(t *testing.T, work string) (*controlplane.ControlPlane, *gitserver.Server, []*replica) {
	t.Helper()
	return startTwoManagers(t, work, []string{"blueprints"}, nil, nil)
}

// startTwoManagers starts, in work, a control plane, a git server holding
// repos (under work/git) and two managers, a with argsA and b with argsB
// added, serving its webhooks.
func startTwoManagers(t *testing.T, work string, repos, argsA, argsB []string) (*controlplane.ControlPlane, *gitserver.Server, []*replica) {
	t.Helper()
	// Cleanups run last first: the control plane outlives the replicas.
	plane, kubeconfig := startPlane(t, work)
	git := startGitServer(t, filepath.Join(work, "git"), repos...)
	bin := buildManager(t)
	hook := plane.WebhookServerOptions()
	replicas := []*replica{
		startReplica(t, "a", bin, kubeconfig, hook.CertDir, filepath.Join(work, "a"), argsA...),
		startReplica(t, "b", bin, kubeconfig, hook.CertDir, filepath.Join(work, "b"), argsB...),
	}
	// The apiserver calls one address, as it calls a Service: spread the
	// reviews over the replicas alive, one request to each in turn.
	serveWebhookProxy(t, net.JoinHostPort(hook.Host, strconv.Itoa(hook.Port)), hook.CertDir, replicas)
	return plane, git, replicas
}

// startReplica runs a manager with leader election, its webhook server
// on a port of its own, its metrics on another, and args added.
func startReplica(t *testing.T, name, bin, kubeconfig, certDir, dir string, args ...string) *replica {
	t.Helper()
	webhookPort, metricsPort := freePort(t), freePort(t)
	r := startManagerProcess(t, name, bin, dir, nil, append([]string{"--kubeconfig=" + kubeconfig, "--leader-elect", "--leader-election-namespace=default",
		"--leader-election-lease-duration=" + leaseDuration.String(), "--leader-election-renew-deadline=4s", "--leader-election-retry-period=1s",
		"--webhook-cert-path=" + certDir, "--webhook-host=127.0.0.1", fmt.Sprintf("--webhook-port=%d", webhookPort),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", metricsPort), "--metrics-secure=false", "--health-probe-bind-address=0",
		"--system-users=" + controlplane.ManagerUser, "--cache-dir=" + filepath.Join(dir, "cache")}, args...)...)
	r.webhook = fmt.Sprintf("127.0.0.1:%d", webhookPort)
	r.metrics = fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	return r
}

// startManagerProcess runs the manager binary with args, and env added to
// the test's environment, logging to dir/manager.log, until it exits or
// the test ends.
func startManagerProcess(t *testing.T, name, bin, dir string, env []string, args ...string) *replica {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, log: filepath.Join(dir, "manager.log"), exited: make(chan struct{})}
	log, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, args...)
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stdout, r.cmd.Stderr = log, log
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); _ = log.Close(); close(r.exited) }()
	t.Cleanup(func() {
		r.stop()
		if t.Failed() {
			t.Logf("replica %s's log:\n%s", r.name, r.output())
		}
	})
	return r
}

// stop ends the replica as a rolling update does, with SIGTERM, killing it
// if it has not exited within 30s.
func (r *replica) stop() {
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(30 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
	}
}

// output is what the replica logged so far.
func (r *replica) output() string {
	data, _ := os.ReadFile(r.log)
	return string(data)
}

// kill stops the replica at once, as a node's loss would.
func (r *replica) kill() {
	_ = r.cmd.Process.Kill()
	<-r.exited
}

func (r *replica) alive() bool {
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// scrape is one sample's value summed over the series of family in the
// replica's metrics; false when the replica does not answer.
func (r *replica) scrape(family string) (float64, bool) {
	families, err := readMetrics(r.metrics)
	if err != nil {
		return 0, false
	}
	sum, _ := total(families, family)
	return sum, true
}

// waitLeader returns the one of replicas that leads, within timeout.
func waitLeader(t *testing.T, replicas []*replica, timeout time.Duration) *replica {
	t.Helper()
	var leader *replica
	waitFor(t, "a leader", timeout, func() bool {
		for _, r := range replicas {
			if v, ok := r.scrape("leader_election_master_status"); ok && v == 1 && r.alive() {
				leader = r
				return true
			}
		}
		return false
	})
	return leader
}

// admissionsAnswered is how many admission reviews the replica answered.
func admissionsAnswered(t *testing.T, r *replica) float64 {
	t.Helper()
	n, ok := r.scrape("controller_runtime_webhook_requests_total")
	if !ok {
		t.Fatalf("replica %s's metrics do not answer", r.name)
	}
	return n
}

// serveWebhookProxy serves, at addr, with the webhooks' certificate, what
// the replicas alive answer, one request to each in turn, and skips a
// replica that does not answer, as a Service's endpoints would.
func serveWebhookProxy(t *testing.T, addr, certDir string, replicas []*replica) {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(filepath.Join(certDir, "tls.crt"), filepath.Join(certDir, "tls.key"))
	if err != nil {
		t.Fatal(err)
	}
	caData, err := os.ReadFile(filepath.Join(certDir, "tls.crt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caData)
	upstream := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}}
	var next atomic.Uint64
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		first := int(next.Add(1))
		for i := range replicas {
			r := replicas[(first+i)%len(replicas)]
			if !r.alive() {
				continue
			}
			out, err := http.NewRequestWithContext(req.Context(), req.Method, "https://"+r.webhook+req.URL.RequestURI(), bytes.NewReader(body))
			if err != nil {
				continue
			}
			out.Header = req.Header.Clone()
			resp, err := upstream.Do(out)
			if err != nil {
				continue
			}
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
			_ = resp.Body.Close()
			return
		}
		http.Error(w, "no replica answers", http.StatusServiceUnavailable)
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler)
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
}

// createAdmitted creates obj, retrying while the webhooks are not yet
// served by any replica.
func createAdmitted(t *testing.T, c client.Client, obj client.Object) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		err := c.Create(ctx, obj)
		if err != nil && strings.Contains(err.Error(), "failed calling webhook") {
			return false, nil
		}
		return true, err
	})
	if err != nil {
		t.Fatalf("creating %s: %v", obj.GetName(), err)
	}
}

func setLifecycle(t *testing.T, c client.Client, key client.ObjectKey, lifecycle porchv1alpha1.PackageRevisionLifecycle) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		pr := &porchv1alpha1.PackageRevision{}
		if err := c.Get(context.Background(), key, pr); err != nil {
			return err
		}
		pr.Spec.Lifecycle = lifecycle
		return c.Update(context.Background(), pr)
	})
	if err != nil {
		t.Fatalf("%s %s: %v", key.Name, lifecycle, err)
	}
}

// seedMain pushes a first commit to the branch main of the repository at url.
func seedMain(t *testing.T, url string) {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"commit", "-q", "--allow-empty", "-m", "Start"}, {"push", "-q", url, "main"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// gitRefs lists the refs of the bare repository at dir under prefix.
func gitRefs(t *testing.T, dir, prefix string) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", dir, "for-each-ref", "--format=%(refname)", prefix).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

func waitFor(t *testing.T, what string, timeout time.Duration, done func() bool) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, timeout, true, func(context.Context) (bool, error) { return done(), nil }); err != nil {
		t.Fatalf("%s: not within %s", what, timeout)
	}
}
