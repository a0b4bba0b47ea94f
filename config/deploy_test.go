package config_test

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/go-logr/logr"
	"github.com/porch-dev/porch/config"
	"github.com/porch-dev/porch/internal/controlplane"
)

// buildDeploy renders make deploy's overlay for registry and tag, written
// where make deploy writes it relative to config/default.
func buildDeploy(t *testing.T, registry, tag string) resmap.ResMap {
	t.Helper()
	fs := filesys.MakeFsOnDisk()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, "bin"), "deploy-test-")
	if err != nil {
		// bin/ is made by make; the test may run before it.
		if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if dir, err = os.MkdirTemp(filepath.Join(root, "bin"), "deploy-test-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(config.DeployOverlay(registry, tag)), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err != nil {
		t.Fatalf("kustomize build of make deploy's overlay: %v", err)
	}
	return m
}

// make deploy's overlay sets every image of config/default: the
// containers', and the wrapper server's that the runner hands its function
// pods. The manager calls the runner, runs twice over, on different nodes
// where it can, keeps one replica through a drain, and keeps its mirrors
// in a volume of their own.
func TestDeployRunsTheImagesGiven(t *testing.T) {
	m := buildDeploy(t, "registry.example/team", "v1.2.3")
	deployments := objects[appsv1.Deployment](t, m, "Deployment")
	manager, runner := deployments["porch-controller-manager"], deployments["porch-function-runner"]
	if manager == nil || runner == nil {
		t.Fatalf("want the manager's and the runner's Deployments, got %v", slices.Collect(maps.Keys(deployments)))
	}
	want := map[string]string{"manager": "registry.example/team/porch-manager:v1.2.3", "runner": "registry.example/team/porch-runner:v1.2.3"}
	for _, d := range []*appsv1.Deployment{manager, runner} {
		for _, c := range append(d.Spec.Template.Spec.InitContainers, d.Spec.Template.Spec.Containers...) {
			if c.Image != want[c.Name] {
				t.Errorf("%s: container %s runs %s, want %s", d.Name, c.Name, c.Image, want[c.Name])
			}
		}
	}
	runnerContainer := runner.Spec.Template.Spec.Containers[0]
	if !slices.Contains(runnerContainer.Args, "--wrapper-server-image=$(WRAPPER_SERVER_IMAGE)") ||
		!slices.ContainsFunc(runnerContainer.Env, func(e corev1.EnvVar) bool {
			return e.Name == "WRAPPER_SERVER_IMAGE" && e.Value == "registry.example/team/porch-wrapper-server:v1.2.3"
		}) {
		t.Errorf("the runner does not hand its function pods the wrapper server's image: %v %v", runnerContainer.Args, runnerContainer.Env)
	}

	managerContainer := manager.Spec.Template.Spec.Containers[0]
	for _, arg := range []string{"--function-runner=porch-function-runner.porch-system.svc:9445", "--leader-elect", "--cache-dir=/var/cache/porch"} {
		if !slices.Contains(managerContainer.Args, arg) {
			t.Errorf("the manager's arguments %v lack %s", managerContainer.Args, arg)
		}
	}
	if !slices.ContainsFunc(managerContainer.VolumeMounts, func(v corev1.VolumeMount) bool { return v.MountPath == "/var/cache/porch" }) ||
		managerContainer.SecurityContext == nil || managerContainer.SecurityContext.ReadOnlyRootFilesystem == nil || !*managerContainer.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("the manager's root is not read-only with its cache in a volume: %+v %+v", managerContainer.VolumeMounts, managerContainer.SecurityContext)
	}
	if manager.Spec.Replicas == nil || *manager.Spec.Replicas != 2 {
		t.Errorf("the manager runs %v replicas, want 2", manager.Spec.Replicas)
	}
	affinity := manager.Spec.Template.Spec.Affinity
	if affinity == nil || affinity.PodAntiAffinity == nil || len(affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) == 0 ||
		!reflect.DeepEqual(affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector.MatchLabels, manager.Spec.Selector.MatchLabels) {
		t.Errorf("the manager's replicas do not keep apart: %+v", affinity)
	}
	budgets := objects[policyv1.PodDisruptionBudget](t, m, "PodDisruptionBudget")
	budget := budgets["porch-controller-manager"]
	if budget == nil || budget.Namespace != "porch-system" || budget.Spec.MinAvailable == nil || budget.Spec.MinAvailable.IntValue() != 1 ||
		!reflect.DeepEqual(budget.Spec.Selector.MatchLabels, manager.Spec.Selector.MatchLabels) {
		t.Errorf("no budget keeping one manager through a drain: %+v", budget)
	}
}

// kubectl's kustomize and the Go API's build config/default alike.
func TestKubectlKustomizeAgrees(t *testing.T) {
	kubectl, err := exec.LookPath(filepath.Join(os.Getenv(controlplane.AssetsEnv), "kubectl"))
	if err != nil {
		if kubectl, err = exec.LookPath("kubectl"); err != nil {
			t.Skip("no kubectl in " + controlplane.AssetsEnv + " or on PATH")
		}
	}
	out, err := exec.Command(kubectl, "kustomize", "default").Output()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v", err)
	}
	fromKubectl := map[string]any{}
	for _, doc := range strings.Split(string(out), "\n---\n") {
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		fromKubectl[objectKey(obj)] = obj
	}
	fromGo := map[string]any{}
	for _, r := range build(t, "default").Resources() {
		obj := resourceMap(t, r)
		fromGo[objectKey(obj)] = obj
	}
	if len(fromGo) == 0 || len(fromGo) != len(fromKubectl) {
		t.Fatalf("kubectl kustomize gave %d objects, the Go API %d", len(fromKubectl), len(fromGo))
	}
	for key, obj := range fromGo {
		if !reflect.DeepEqual(normalize(t, obj), normalize(t, fromKubectl[key])) {
			t.Errorf("%s differs between kubectl kustomize and the Go API", key)
		}
	}
}

func resourceMap(t *testing.T, r *resource.Resource) map[string]any {
	t.Helper()
	obj, err := r.Map()
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

func objectKey(obj map[string]any) string {
	u := unstructured.Unstructured{Object: obj}
	return u.GetAPIVersion() + "/" + u.GetKind() + " " + u.GetNamespace() + "/" + u.GetName()
}

// normalize is obj as JSON decodes it, so that numbers compare alike.
func normalize(t *testing.T, obj any) any {
	t.Helper()
	data, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := yaml.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every object make deploy applies is accepted by a real kube-apiserver,
// by a server-side dry run of the apply: its schema, its names, its
// references. The Namespaces are made for real first, as the apply would;
// cert-manager's Certificate and Issuer are skipped, by kind, for this
// control plane has not cert-manager's CRDs.
func TestDeployIsAcceptedByTheAPIServer(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	m := buildDeploy(t, "registry.example/team", "v1.2.3")
	ctrllog.SetLogger(logr.Discard()) // the control plane's own logs are not what is tested
	plane, err := controlplane.Start(controlplane.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = plane.Stop() }()
	c, err := client.New(plane.Config, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	apply := func(u *unstructured.Unstructured, opts ...client.ApplyOption) error {
		return c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), append(opts, client.FieldOwner("porch-deploy"), client.ForceOwnership)...)
	}
	var skipped []string
	resources := m.Resources()
	for _, r := range resources {
		if r.GetKind() == "Namespace" {
			if err := apply(&unstructured.Unstructured{Object: resourceMap(t, r)}); err != nil {
				t.Fatalf("Namespace %s: %v", r.GetName(), err)
			}
		}
	}
	checked := 0
	for _, r := range resources {
		u := &unstructured.Unstructured{Object: resourceMap(t, r)}
		switch {
		case r.GetKind() == "Namespace":
			continue
		case u.GroupVersionKind().Group == "cert-manager.io":
			skipped = append(skipped, r.GetKind()+" "+r.GetName())
			continue
		}
		if err := apply(u, client.DryRunAll); err != nil {
			t.Errorf("%s %s/%s: %v", r.GetKind(), r.GetNamespace(), r.GetName(), err)
		}
		checked++
	}
	slices.Sort(skipped)
	if checked < 30 || !slices.Equal(skipped, []string{"Certificate porch-metrics-certs", "Certificate porch-serving-cert", "Issuer porch-selfsigned-issuer"}) {
		t.Errorf("dry-ran %d objects and skipped %v", checked, skipped)
	}
}
