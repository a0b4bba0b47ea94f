package pod_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"google.golang.org/grpc"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/exec"
	"github.com/porch-dev/porch/runner/pod"
)

// The tests run against a real kube-apiserver, where nothing runs pods: a
// test plays kubelet, setting its pods' status, and the dial hook starts a
// real wrapper server for each pod, running the command of the pod's own
// container args, so that what the evaluator wrote into the pod is what
// runs.
var (
	k8s client.Client
	// registryHost serves the test images over plain HTTP on loopback.
	registryHost string
)

const (
	wrapperImage = "example.com/porch/runner:test"
	input        = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	env := &envtest.Environment{ControlPlaneStartTimeout: 2 * time.Minute}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: run hack/setup-envtest.sh (or make envtest) and point it at the folder it prints")
		return 1
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if k8s, err = client.New(cfg, client.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	registryHost = strings.TrimPrefix(reg.URL, "http://")
	return m.Run()
}

// pushImage pushes a random image with the given entrypoint and command to
// the test registry and returns its reference.
func pushImage(t *testing.T, repo string, entrypoint, cmd []string) string {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if img, err = mutate.Config(img, v1.Config{Entrypoint: entrypoint, Cmd: cmd}); err != nil {
		t.Fatal(err)
	}
	image := fmt.Sprintf("%s/%s:v1", registryHost, repo)
	ref, err := name.ParseReference(image)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	return image
}

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fn-" + utilrand.String(8)}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// wrappers is the dial hook: it starts a wrapper server for each pod,
// running the command after "--" in the pod's container args.
type wrappers struct {
	t     *testing.T
	mu    sync.Mutex
	addrs map[string]string
	srvs  map[string]*grpc.Server
	// services are the Services the evaluator dialled, by pod name.
	services map[string]*corev1.Service
}

func newWrappers(t *testing.T) *wrappers {
	return &wrappers{t: t, addrs: map[string]string{}, srvs: map[string]*grpc.Server{}, services: map[string]*corev1.Service{}}
}

func (w *wrappers) dial(p *corev1.Pod, svc *corev1.Service) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.services[p.Name] = svc.DeepCopy()
	if addr, ok := w.addrs[p.Name]; ok {
		return addr
	}
	args := p.Spec.Containers[0].Args
	i := slices.Index(args, "--")
	if i < 0 || i == len(args)-1 {
		w.t.Errorf("pod %s: no command after -- in %q", p.Name, args)
		return "127.0.0.1:1"
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Error(err)
		return "127.0.0.1:1"
	}
	srv := runner.NewServer([]runner.Evaluator{exec.NewCommand(args[i+1:], exec.WithTimeout(10*time.Second))})
	go func() { _ = srv.Serve(lis) }()
	w.t.Cleanup(srv.Stop)
	w.addrs[p.Name], w.srvs[p.Name] = lis.Addr().String(), srv
	return w.addrs[p.Name]
}

// stop stops a pod's wrapper server, as if the pod went away.
func (w *wrappers) stop(podName string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.srvs[podName].Stop()
}

func (w *wrappers) service(podName string) *corev1.Service {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.services[podName]
}

// kubelet sets the status of the pods of a namespace, once per pod, to
// what status returns (nil: leave the pod pending), and remembers every
// pod it saw.
type kubelet struct {
	mu   sync.Mutex
	seen map[string]bool
	// done are the pods whose status is set.
	done map[string]bool
}

func startKubelet(t *testing.T, ns string, status func(*corev1.Pod) *corev1.PodStatus) *kubelet {
	k := &kubelet{seen: map[string]bool{}, done: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			k.sync(ctx, t, ns, status)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return k
}

func (k *kubelet) sync(ctx context.Context, t *testing.T, ns string, status func(*corev1.Pod) *corev1.PodStatus) {
	var pods corev1.PodList
	if err := k8s.List(ctx, &pods, client.InNamespace(ns)); err != nil {
		return
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		k.mu.Lock()
		done := k.done[p.Name]
		k.seen[p.Name], k.done[p.Name] = true, true
		k.mu.Unlock()
		if done {
			continue
		}
		if st := status(p); st != nil {
			p.Status = *st
			err := k8s.Status().Update(ctx, p)
			switch {
			case apierrors.IsConflict(err):
				// Changed (or deleted) since the list: next time.
				k.mu.Lock()
				delete(k.done, p.Name)
				k.mu.Unlock()
			case err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil:
				t.Errorf("kubelet: %v", err)
			}
		}
	}
}

// pods are the names of the pods the kubelet saw.
func (k *kubelet) pods() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var names []string
	for n := range k.seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func ready(*corev1.Pod) *corev1.PodStatus {
	return &corev1.PodStatus{
		Phase:      corev1.PodRunning,
		PodIP:      "10.1.2.3",
		PodIPs:     []corev1.PodIP{{IP: "10.1.2.3"}},
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
	}
}

func pendingForever(*corev1.Pod) *corev1.PodStatus { return nil }

func waiting(reason, message string) func(*corev1.Pod) *corev1.PodStatus {
	return func(p *corev1.Pod) *corev1.PodStatus {
		return &corev1.PodStatus{
			Phase: corev1.PodPending,
			ContainerStatuses: []corev1.ContainerStatus{{
				Name:  p.Spec.Containers[0].Name,
				Image: p.Spec.Containers[0].Image,
				State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}},
			}},
		}
	}
}

// newEvaluator starts an evaluator of ns dialling w, running the images of
// the test registry, and closes it when the test ends.
func newEvaluator(t *testing.T, ns string, w *wrappers, opts ...pod.Option) *pod.Evaluator {
	t.Helper()
	// The test images are allowed: they come from the test registry.
	defaults := []pod.Option{pod.WithDialAddress(w.dial), pod.WithImagePrefixes([]string{registryHost + "/"})}
	e, err := pod.New(k8s, ns, wrapperImage, append(defaults, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := e.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return e
}

// fixture is a namespace with a kubelet setting its pods' status, and an
// evaluator of it.
type fixture struct {
	ns       string
	kubelet  *kubelet
	wrappers *wrappers
	e        *pod.Evaluator
}

func setup(t *testing.T, status func(*corev1.Pod) *corev1.PodStatus, opts ...pod.Option) *fixture {
	t.Helper()
	f := &fixture{ns: newNamespace(t), wrappers: newWrappers(t)}
	f.kubelet = startKubelet(t, f.ns, status)
	f.e = newEvaluator(t, f.ns, f.wrappers, opts...)
	return f
}

// expectNone fails the test if any of the runner's pods or services is left.
func (f *fixture) expectNone(t *testing.T) {
	t.Helper()
	if pods, services := listPods(t, f.ns); len(pods)+len(services) != 0 {
		t.Fatalf("left pods %v, services %v", pods, services)
	}
}

// listPods are the sorted names of the runner's pods in ns, and of its
// services.
func listPods(t *testing.T, ns string) (pods, services []string) {
	t.Helper()
	ctx := context.Background()
	var pl corev1.PodList
	var sl corev1.ServiceList
	opts := []client.ListOption{client.InNamespace(ns), client.MatchingLabels{pod.LabelManagedBy: pod.ManagedBy}}
	if err := k8s.List(ctx, &pl, opts...); err != nil {
		t.Fatal(err)
	}
	if err := k8s.List(ctx, &sl, opts...); err != nil {
		t.Fatal(err)
	}
	for _, p := range pl.Items {
		pods = append(pods, p.Name)
	}
	for _, s := range sl.Items {
		services = append(services, s.Name)
	}
	slices.Sort(pods)
	slices.Sort(services)
	return pods, services
}

// eventually polls cond until it holds or 20s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
