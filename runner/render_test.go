package runner_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
	"github.com/porch-dev/porch/internal/cad/render"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

const fnPrefix = "ghcr.io/kptdev/krm-functions-catalog/"

// renderedPackage has a root pipeline of builtins from both adapters (the
// catalog's SDK and kyaml's framework), a selector, a function that adds a
// resource, and a subpackage with a pipeline of its own.
func renderedPackage(extraMutator string) cad.Package {
	return cad.Package{
		cad.KptfileName: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: root
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
    - image: ` + fnPrefix + `upsert-resource:v0.2
      configPath: extra.yaml
    - image: ` + fnPrefix + `set-namespace:v0.4
      configMap:
        namespace: team-a
    - image: ` + fnPrefix + `set-labels:v0.2
      configMap:
        app: shop
      selectors:
        - kind: Deployment
    - image: ` + fnPrefix + `apply-setters:v0.2
      configMap:
        replicas: "4"
` + extraMutator + `  validators:
    - image: ` + fnPrefix + `starlark:v0.5
      configPath: check.yaml
`,
		"deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # a comment that stays
spec:
  replicas: 1 # kpt-set: ${replicas}
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.25
`,
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n",
		"extra.yaml": `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  ports:
    - port: 80
`,
		"check.yaml": `apiVersion: fn.kpt.dev/v1alpha1
kind: StarlarkRun
metadata:
  name: check
  annotations:
    config.kubernetes.io/local-config: "true"
source: |
  for r in ctx.resource_list["items"]:
    if r["kind"] == "Deployment" and r["metadata"].get("namespace") != "team-a":
      fail("not in team-a: " + r["metadata"]["name"])
`,
		"sub/Kptfile": `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: sub
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
    - image: ` + fnPrefix + `set-annotations:v0.1
      configMap:
        owner: sub
`,
		"sub/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub-settings\n",
	}
}

// The engine runs builtins on parsed resources in-process and on YAML
// through the gRPC service: both must render the same files and report the
// same results, when the pipeline succeeds and when a function fails.
func TestRenderInProcessMatchesGRPC(t *testing.T) {
	client, _ := serve(t, []runner.Evaluator{builtin.New()})
	inProcess := runner.NewInProcess(builtin.New())
	ctx := context.Background()

	cases := map[string]struct {
		pkg     cad.Package
		wantErr string
		// wantResult is in the failed function's results.
		wantResult string
	}{
		"succeeds": {pkg: renderedPackage("")},
		// The validator fails, with results, when a later mutator moves
		// the Deployment to another namespace.
		"validator fails": {
			pkg:        renderedPackage("    - image: " + fnPrefix + "set-namespace:v0.4\n      configMap:\n        namespace: team-b\n"),
			wantErr:    "function failure",
			wantResult: "not in team-a: web",
		},
		// set-image without its configuration fails before it does anything.
		"mutator fails": {
			pkg:     renderedPackage("    - image: " + fnPrefix + "set-image:v0.1\n"),
			wantErr: "functionConfig is missing",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			viaGRPC, gotGRPC, errGRPC := render.Render(ctx, tc.pkg, client, render.Options{Name: "root"})
			viaNodes, gotNodes, errNodes := render.Render(ctx, tc.pkg, inProcess, render.Options{Name: "root"})
			if tc.wantErr != "" {
				for _, err := range []error{errGRPC, errNodes} {
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("want both to fail saying %q: gRPC %v, in-process %v", tc.wantErr, errGRPC, errNodes)
					}
				}
			} else if errGRPC != nil || errNodes != nil {
				t.Fatalf("gRPC: %v; in-process: %v", errGRPC, errNodes)
			}
			// The errors the render status records name the transport.
			viaGRPC, viaNodes = withoutRenderStatus(t, viaGRPC), withoutRenderStatus(t, viaNodes)
			if !reflect.DeepEqual(viaGRPC, viaNodes) {
				for path := range viaGRPC {
					if viaGRPC[path] != viaNodes[path] {
						t.Errorf("%s differs:\ngRPC:\n%s\nin-process:\n%s", path, viaGRPC[path], viaNodes[path])
					}
				}
				t.Fatalf("files differ: gRPC %d, in-process %d", len(viaGRPC), len(viaNodes))
			}
			if !reflect.DeepEqual(gotGRPC, gotNodes) {
				t.Errorf("results differ:\ngRPC:       %+v\nin-process: %+v", gotGRPC, gotNodes)
			}
			if tc.wantErr == "" {
				// The pipeline did its work, so the comparison compared something.
				for path, want := range map[string]string{
					"deploy.yaml": "app: shop",
					"extra.yaml":  "kind: Service",
					"sub/cm.yaml": "owner: sub",
				} {
					if !strings.Contains(viaNodes[path], want) {
						t.Errorf("%s lacks %q:\n%s", path, want, viaNodes[path])
					}
				}
				if !strings.Contains(viaNodes["deploy.yaml"], "replicas: 4") {
					t.Errorf("setter not applied:\n%s", viaNodes["deploy.yaml"])
				}
			}
			if tc.wantResult != "" {
				last := gotNodes.Items[len(gotNodes.Items)-1]
				if len(last.Results) == 0 || !strings.Contains(last.Results[0].Message, tc.wantResult) {
					t.Errorf("want the failed function's results to say %q, got %+v", tc.wantResult, last)
				}
			}
		})
	}
}

// A function that runs too long, writes too much, writes what is not a
// ResourceList or is unknown fails the render with an error naming its
// image and the reason, and the runner goes on serving.
func TestRenderThroughRunnerSurvivesBadFunctions(t *testing.T) {
	client, _ := serve(t, realEvaluators(t))
	ctx := context.Background()
	pipeline := func(image string) cad.Package {
		return cad.Package{
			cad.KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n    - image: " + image + "\n",
			"cm.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
		}
	}
	for image, reason := range map[string]string{
		"example.com/sleep:v1":       "did not finish within 1s",
		"example.com/flood:v1":       "more than",
		"example.com/garbage:v1":     "invalid output",
		"example.com/nobody:v1":      "no function runner knows",
		fnPrefix + "set-labels:v9.9": "no function runner knows",
	} {
		t.Run(image, func(t *testing.T) {
			pkg := pipeline(image)
			out, _, err := render.Render(ctx, pkg, client, render.Options{})
			if err == nil || !strings.Contains(err.Error(), image) || !strings.Contains(err.Error(), reason) {
				t.Fatalf("want an error naming %s and saying %q, got %v", image, reason, err)
			}
			if !reflect.DeepEqual(withoutRenderStatus(t, out), pkg) {
				t.Errorf("a failed render changed the package")
			}
			if !strings.Contains(out[cad.KptfileName], "reason: RenderFailed") {
				t.Errorf("the failure is not recorded in the Kptfile:\n%s", out[cad.KptfileName])
			}
		})
	}
	out, _, err := render.Render(ctx, pipeline("example.com/echo:v1"), client, render.Options{})
	if err != nil || out["cm.yaml"] == "" {
		t.Fatalf("the runner no longer serves: %v", err)
	}
}

// withoutRenderStatus is pkg with its root Kptfile as it was before the
// render recorded its outcome there.
func withoutRenderStatus(t *testing.T, pkg cad.Package) cad.Package {
	t.Helper()
	stripped, err := kptfile.WithoutRenderStatus(pkg[cad.KptfileName])
	if err != nil {
		t.Fatal(err)
	}
	out := maps.Clone(pkg)
	out[cad.KptfileName] = stripped
	return out
}

// A mistyped image, through the gRPC server and in process alike: the
// message lists the images the runner does run, so that the typo shows,
// and says how another image is configured.
func TestAnUnknownImageIsRefusedWithTheImagesThatRun(t *testing.T) {
	evaluators := realEvaluators(t)
	client, _ := serve(t, evaluators)
	for name, r := range map[string]cad.FunctionRunner{"grpc": client, "in process": runner.NewInProcess(evaluators...)} {
		t.Run(name, func(t *testing.T) {
			pkg := cad.Package{cad.KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n    - image: " +
				fnPrefix + "set-labelz:v0.2\n"}
			_, _, err := render.Render(context.Background(), pkg, r, render.Options{})
			if err == nil {
				t.Fatal("a render with an unknown image succeeded")
			}
			for _, want := range []string{`no function runner knows image "` + fnPrefix + `set-labelz:v0.2"`, "set-labels:v0.2", "starlark:v0.5",
				"example.com/echo:v1", "--exec-config", "porchctl fn render --allow-exec"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error lacks %q: %v", want, err)
				}
			}
			if !errors.Is(err, runner.ErrNotFound) {
				t.Errorf("the error does not match ErrNotFound: %v", err)
			}
		})
	}
}
