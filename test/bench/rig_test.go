package bench

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/internal/gitserver"
)

// quick says make bench runs at a tenth of its scale (BENCH_QUICK=1): to
// see a change's effect in minutes, not to compare with the targets.
var quick = os.Getenv("BENCH_QUICK") == "1"

// scaled is n, or a tenth of it (at least 1) in a quick run.
func scaled(n int) int {
	if !quick {
		return n
	}
	return max(1, n/10)
}

// quickly is d, or a fifth of it in a quick run: the periods a benchmark
// observes, and the sync intervals they are counted in.
func quickly(d time.Duration) time.Duration {
	if !quick {
		return d
	}
	return d / 5
}

// syncInterval is the manager's --repository-sync-interval flag for d, quickly.
func syncInterval(d time.Duration) string {
	return "--repository-sync-interval=" + quickly(d).String()
}

// rig is a control plane, a git server that counts what it is asked, and
// the manager binary running against them, as in a cluster.
type rig struct {
	b   *testing.B
	k8s client.WithWatch
	// admission replays admission reviews to the manager's webhooks, as the apiserver sends them.
	admission *admissionClient
	// managerUser is who the manager runs as.
	managerUser *controlplane.User
	gitRoot     string
	gitURL      string
	git         *requestCounter
	manager     *exec.Cmd
	metrics     string
	workDir     string
	// spins counts the endless scripts written, each one different.
	spins int
}

func newRig(b *testing.B, managerArgs ...string) *rig {
	b.Helper()
	ctrllog.SetLogger(logr.Discard()) // the control plane's own logs are not what is measured
	if os.Getenv(controlplane.AssetsEnv) == "" {
		b.Skip(controlplane.AssetsEnv + " is not set: run make bench")
	}
	r := &rig{b: b, workDir: b.TempDir()}
	r.gitRoot = filepath.Join(r.workDir, "git")
	srv, err := gitserver.New(gitserver.Options{Root: r.gitRoot})
	if err != nil {
		b.Fatal(err)
	}
	r.git = &requestCounter{next: srv.Handler(), perSecond: map[int64]int{}}
	web := httptest.NewServer(r.git)
	b.Cleanup(web.Close)
	r.gitURL = web.URL

	plane, err := controlplane.Start(controlplane.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = plane.Stop() })
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme} {
		if err := add(scheme); err != nil {
			b.Fatal(err)
		}
	}
	if r.k8s, err = client.NewWithWatch(plane.Config, client.Options{Scheme: scheme}); err != nil {
		b.Fatal(err)
	}
	// The manager runs as its own user, which its webhooks count as the
	// system; the benchmarks act as the administrator, a user.
	if r.managerUser, err = plane.AddManagerUser(); err != nil {
		b.Fatal(err)
	}
	kubeconfig := filepath.Join(r.workDir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, r.managerUser.KubeConfig, 0o600); err != nil {
		b.Fatal(err)
	}
	hook := plane.WebhookServerOptions()
	if r.admission, err = newAdmissionClient(plane.Config, fmt.Sprintf("https://%s", net.JoinHostPort(hook.Host, strconv.Itoa(hook.Port))), plane.WebhookCA()); err != nil {
		b.Fatal(err)
	}
	managerArgs = append(managerArgs, "--webhook-cert-path="+hook.CertDir, "--webhook-host="+hook.Host, fmt.Sprintf("--webhook-port=%d", hook.Port),
		"--system-users="+r.managerUser.Name)
	// More flags for the manager, to compare settings: e.g. --kube-api-qps=1000.
	managerArgs = append(managerArgs, strings.Fields(os.Getenv("BENCH_MANAGER_ARGS"))...)
	r.startManager(kubeconfig, managerArgs...)
	r.waitFor("the manager's webhook serving", time.Minute, func() bool {
		probe := &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: "default"},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
				Git: &configv1alpha1.GitRepository{Repo: r.gitURL + "/probe.git"}},
		}
		return r.k8s.Create(context.Background(), probe, client.DryRunAll) == nil
	})
	return r
}

// startManager builds and runs the manager as a cluster would, with metrics on loopback.
func (r *rig) startManager(kubeconfig string, managerArgs ...string) {
	b := r.b
	bin := filepath.Join(r.workDir, "manager")
	// As installed, with the child binary of starlark's runs beside it.
	for _, cmd := range []string{"manager", "isolated-function"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(r.workDir, cmd), "github.com/porch-dev/porch/cmd/"+cmd).CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	port := freePort(b)
	r.metrics = fmt.Sprintf("http://127.0.0.1:%d/metrics", port)
	log, err := os.Create(filepath.Join(r.workDir, "manager.log"))
	if err != nil {
		b.Fatal(err)
	}
	r.manager = exec.Command(bin, append([]string{"--kubeconfig=" + kubeconfig,
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", port), "--metrics-secure=false",
		"--health-probe-bind-address=0", "--zap-devel=false", "--zap-log-level=error",
		"--cache-dir=" + filepath.Join(r.workDir, "cache")}, managerArgs...)...)
	r.manager.Stdout, r.manager.Stderr = log, log
	if err := r.manager.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = r.manager.Process.Signal(syscall.SIGTERM)
		_ = r.manager.Wait()
		_ = log.Close()
	})
}

// peakRSS is the manager's peak resident memory in MiB (VmHWM).
func (r *rig) peakRSS() float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", r.manager.Process.Pid))
	if err != nil {
		r.b.Fatal(err)
	}
	defer f.Close()
	scan := bufio.NewScanner(f)
	for scan.Scan() {
		if fields := strings.Fields(scan.Text()); len(fields) >= 2 && fields[0] == "VmHWM:" {
			kib, err := strconv.ParseFloat(fields[1], 64)
			if err != nil {
				r.b.Fatal(err)
			}
			return kib / 1024
		}
	}
	r.b.Fatal("no VmHWM in /proc status")
	return 0
}

// metric reads the manager's series of a metric, those with the label if
// one is given, summed: counters' and gauges' values (and how many series),
// or histograms' sums and counts.
func (r *rig) metric(name string, label ...string) (value, count float64) {
	family, ok := r.families()[name]
	if !ok {
		return 0, 0
	}
	for _, m := range family.GetMetric() {
		if len(label) == 2 && !hasLabel(m.GetLabel(), label[0], label[1]) {
			continue
		}
		switch {
		case m.GetHistogram() != nil:
			value += m.GetHistogram().GetSampleSum()
			count += float64(m.GetHistogram().GetSampleCount())
		case m.GetCounter() != nil:
			value, count = value+m.GetCounter().GetValue(), count+1
		case m.GetGauge() != nil:
			value, count = value+m.GetGauge().GetValue(), count+1
		}
	}
	return value, count
}

// families reads the manager's metrics.
func (r *rig) families() map[string]*dto.MetricFamily {
	resp, err := http.Get(r.metrics)
	if err != nil {
		r.b.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		r.b.Fatal(err)
	}
	return families
}

// buckets reads one histogram of the manager's metrics: the cumulative
// count of each bucket by its upper bound, +Inf included.
func (r *rig) buckets(name string, label ...string) map[float64]float64 {
	out := map[float64]float64{}
	for _, m := range r.families()[name].GetMetric() {
		if len(label) == 2 && !hasLabel(m.GetLabel(), label[0], label[1]) || m.GetHistogram() == nil {
			continue
		}
		for _, b := range m.GetHistogram().GetBucket() {
			out[b.GetUpperBound()] = float64(b.GetCumulativeCount())
		}
		out[math.Inf(1)] = float64(m.GetHistogram().GetSampleCount())
	}
	return out
}

func hasLabel[L interface {
	GetName() string
	GetValue() string
}](labels []L, name, value string) bool {
	for _, l := range labels {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// waitFor polls until done says so, failing the benchmark after timeout.
func (r *rig) waitFor(what string, timeout time.Duration, done func() bool) time.Duration {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for !done() {
		select {
		case <-ctx.Done():
			r.b.Fatalf("%s: not done after %v; see %s", what, timeout, filepath.Join(r.workDir, "manager.log"))
		case <-time.After(200 * time.Millisecond):
		}
	}
	return time.Since(start)
}

// requestCounter counts what the git server is asked: ref listings
// (info/refs) per second, and fetches (upload-pack) at once.
type requestCounter struct {
	next      http.Handler
	mu        sync.Mutex
	perSecond map[int64]int
	listings  int
	fetches   int
	inFetch   int
	peakFetch int
	// served is the time spent serving requests, and their count, by
	// repository and request ("pkgs10.git git-receive-pack").
	served map[string]*servedRequests
	// inFlight counts the requests being served; busy is how long at
	// least one was, before busySince, when the latest such spell began.
	inFlight  int
	busy      time.Duration
	busySince time.Time
}

// busyFor is how long, in all, the git server has been serving at least
// one request: what a step that waits on it spent there at most.
func (c *requestCounter) busyFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inFlight > 0 {
		return c.busy + time.Since(c.busySince)
	}
	return c.busy
}

type servedRequests struct {
	count int
	took  time.Duration
}

func (c *requestCounter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	fetch := strings.HasSuffix(req.URL.Path, "/git-upload-pack")
	c.mu.Lock()
	if strings.HasSuffix(req.URL.Path, "/info/refs") {
		c.listings++
		c.perSecond[time.Now().Unix()]++
	}
	if fetch {
		c.fetches++
		c.inFetch++
		c.peakFetch = max(c.peakFetch, c.inFetch)
	}
	start := time.Now()
	if c.inFlight++; c.inFlight == 1 {
		c.busySince = start
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if fetch {
			c.inFetch--
		}
		if c.inFlight--; c.inFlight == 0 {
			c.busy += time.Since(c.busySince)
		}
		key := strings.TrimPrefix(req.URL.Path, "/")
		if svc := req.URL.Query().Get("service"); svc != "" {
			key += " " + svc
		}
		if c.served == nil {
			c.served = map[string]*servedRequests{}
		}
		if c.served[key] == nil {
			c.served[key] = &servedRequests{}
		}
		c.served[key].count++
		c.served[key].took += time.Since(start)
	}()
	c.next.ServeHTTP(w, req)
}

// takeServed returns what was served since the last call, and forgets it.
func (c *requestCounter) takeServed() map[string]*servedRequests {
	c.mu.Lock()
	defer c.mu.Unlock()
	served := c.served
	c.served = nil
	return served
}

// snapshot returns the counts so far and forgets the per-second buckets.
func (c *requestCounter) snapshot() (listings, fetches, peakFetch, busiestSecond int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.perSecond {
		busiestSecond = max(busiestSecond, n)
	}
	c.perSecond = map[int64]int{}
	return c.listings, c.fetches, c.peakFetch, busiestSecond
}

func freePort(b *testing.B) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
