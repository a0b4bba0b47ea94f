package pod

import (
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

var dnsLabel = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

func TestPodName(t *testing.T) {
	for image, prefix := range map[string]string{
		"gcr.io/kpt-fn/set-namespace:v0.4.1":                                   "fn-set-namespace-v0-4-1-",
		"Registry.Example.com:5000/A/B/Fn_X@sha256:" + strings.Repeat("a", 64): "fn-fn-x-",
		"example.com/" + strings.Repeat("very-long-name-", 10) + ":v1":         "fn-very-long-name-very-long-name-very-lon",
		"example.com/---:v1":                             "fn-v1-",
		"example.com/@sha256:" + strings.Repeat("b", 64): "fn-function-",
	} {
		name := podName(image)
		if !strings.HasPrefix(name, prefix) || len(name) > 63 || !dnsLabel.MatchString(name) {
			t.Errorf("%s: %q (%d characters), want a DNS label of at most 63 starting %q", image, name, len(name), prefix)
		}
		if podName(image) == name {
			t.Errorf("%s: two pods of an image got the same name %q", image, name)
		}
	}
	a, b := podName("example.com/a/fn:v1"), podName("example.com/b/fn:v1")
	if a[:len(a)-6] == b[:len(b)-6] {
		t.Errorf("images with the same last element share a name: %q, %q", a, b)
	}
}

func TestParseTemplate(t *testing.T) {
	for data, want := range map[string]string{
		"apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n":                        "no containers",
		"apiVersion: v1\nkind: Deployment\nspec: {}\n":                                `kind "Deployment"`,
		"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: f\n    imag: x\n": "imag",
	} {
		if _, err := ParseTemplate([]byte(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want an error with %q, got %v", data, want, err)
		}
	}
	if _, err := LoadTemplate("/nonexistent/template.yaml"); err == nil || !strings.Contains(err.Error(), "/nonexistent/template.yaml") {
		t.Errorf("want an error naming the file, got %v", err)
	}
	d := DefaultTemplate()
	if d.hash("a") == d.hash("b") || d.hash("a") != DefaultTemplate().hash("a") {
		t.Error("the template hash must follow the wrapper server image, and only it")
	}
}

// The template's own settings survive; the runner's are added.
func TestBuildPodKeepsTheTemplate(t *testing.T) {
	tmpl, err := ParseTemplate([]byte(`apiVersion: v1
kind: Pod
metadata:
  labels: {team: functions}
spec:
  nodeSelector: {pool: functions}
  containers:
  - name: fn
    readinessProbe:
      tcpSocket: {port: 9446}
    volumeMounts:
    - {name: cache, mountPath: /cache}
  volumes:
  - {name: cache, emptyDir: {}}
`))
	if err != nil {
		t.Fatal(err)
	}
	p := buildPod(tmpl, podSpec{name: "fn-x", namespace: "ns", image: "example.com/x:v1", entrypoint: []string{"/x"}, wrapperImage: "runner:v1", templateHash: "h", now: time.Now()})
	fn := p.Spec.Containers[0]
	if p.Labels["team"] != "functions" || p.Labels[LabelPod] != "fn-x" || p.Spec.NodeSelector["pool"] != "functions" {
		t.Errorf("labels %v, node selector %v", p.Labels, p.Spec.NodeSelector)
	}
	if fn.ReadinessProbe.TCPSocket == nil || fn.ReadinessProbe.GRPC != nil {
		t.Errorf("the template's probe was replaced: %+v", fn.ReadinessProbe)
	}
	if len(fn.VolumeMounts) != 2 || len(p.Spec.Volumes) != 2 || fn.Args[len(fn.Args)-1] != "/x" {
		t.Errorf("mounts %v, volumes %v, args %v", fn.VolumeMounts, p.Spec.Volumes, fn.Args)
	}
	if tmpl.pod.Labels[LabelPod] != "" || len(tmpl.pod.Spec.Containers[0].VolumeMounts) != 1 {
		t.Error("building a pod changed the template")
	}
}

func TestPodFailure(t *testing.T) {
	waiting := func(reason string) corev1.ContainerState {
		return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: "details"}}
	}
	for name, c := range map[string]struct {
		status corev1.PodStatus
		want   string
	}{
		"pending":         {corev1.PodStatus{Phase: corev1.PodPending}, ""},
		"creating":        {corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "function", State: waiting("ContainerCreating")}}}, ""},
		"failed":          {corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted"}, "phase Failed: Evicted"},
		"pull back-off":   {corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "function", State: waiting("ImagePullBackOff")}}}, "container function: ImagePullBackOff: details"},
		"init pull":       {corev1.PodStatus{InitContainerStatuses: []corev1.ContainerStatus{{Name: "install-wrapper-server", State: waiting("ErrImagePull")}}}, "container install-wrapper-server: ErrImagePull"},
		"crash loop":      {corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: "function", State: waiting("CrashLoopBackOff")}}}, "CrashLoopBackOff"},
		"init exited":     {corev1.PodStatus{InitContainerStatuses: []corev1.ContainerStatus{{Name: "install-wrapper-server", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 127, Reason: "Error"}}}}}, "init container install-wrapper-server exited with 127: Error"},
		"init done right": {corev1.PodStatus{InitContainerStatuses: []corev1.ContainerStatus{{Name: "install-wrapper-server", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}}}}, ""},
	} {
		got := podFailure(&corev1.Pod{Status: c.status})
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}

func TestPodReady(t *testing.T) {
	readyCond := []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if podReady(&corev1.Pod{Status: corev1.PodStatus{Conditions: readyCond}}) {
		t.Error("a pod without an IP cannot take calls")
	}
	if !podReady(&corev1.Pod{Status: corev1.PodStatus{Conditions: readyCond, PodIP: "10.0.0.1"}}) {
		t.Error("a Ready pod with an IP can")
	}
	notReady := &corev1.Pod{Status: corev1.PodStatus{PodIP: "10.0.0.1", Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady"}}}}
	if podReady(notReady) || !strings.Contains(pending(notReady), "Ready=False: ContainersNotReady") {
		t.Errorf("not ready: %q", pending(notReady))
	}
}
