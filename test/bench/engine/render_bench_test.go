package engine

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/cadtest"
	"github.com/porch-dev/porch/internal/cad/render"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

const catalog = "ghcr.io/kptdev/krm-functions-catalog/"

// renderFunctions is the benchmark's pipeline: the file name of each exec
// binary, its image, and its configMap.
var renderFunctions = []struct {
	name, image, config string
}{
	{"set-namespace", catalog + "set-namespace:v0.4", "namespace: bench"},
	{"set-labels", catalog + "set-labels:v0.1", "app: bench"},
	{"apply-setters", catalog + "apply-setters:v0.2", `replicas: "3"`},
}

// renderKptfile is the root Kptfile of the render package; each function is
// named by its image, or, when execDir is set, by the binary in execDir.
func renderKptfile(execDir string) string {
	var sb strings.Builder
	sb.WriteString("apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\npipeline:\n  mutators:\n")
	for _, fn := range renderFunctions {
		if execDir == "" {
			fmt.Fprintf(&sb, "    - image: %s\n", fn.image)
		} else {
			fmt.Fprintf(&sb, "    - exec: %s\n", filepath.Join(execDir, fn.name))
		}
		fmt.Fprintf(&sb, "      configMap:\n        %s\n", fn.config)
	}
	return sb.String()
}

// renderPackage is 50 ConfigMaps and 50 Deployments whose replicas are set
// by the replicas setter.
func renderPackage(execDir string) cad.Package {
	p := cad.Package{cad.KptfileName: renderKptfile(execDir)}
	for i := range 50 {
		p[fmt.Sprintf("cm-%02d.yaml", i)] = fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-%02d
data:
  key: value-%d
  other: "%d"
`, i, i, i)
		p[fmt.Sprintf("deploy-%02d.yaml", i)] = fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%02d
spec:
  replicas: 1 # kpt-set: ${replicas}
  selector:
    matchLabels:
      name: app-%02d
  template:
    metadata:
      labels:
        name: app-%02d
    spec:
      containers:
        - name: app
          image: nginx:1.25
          ports:
            - containerPort: 80
`, i, i, i)
	}
	return p
}

// buildExecFunctions builds the exec function of every pipeline step from
// the runner's builtin functions, into dir.
func buildExecFunctions(b *testing.B, dir string) {
	b.Helper()
	for _, fn := range renderFunctions {
		cmd := exec.Command("go", "build", "-ldflags", "-X main.image="+fn.image,
			"-o", filepath.Join(dir, fn.name), "./fnexec")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", fn.name, err, out)
		}
	}
}

// BenchmarkRender renders a 100-resource package through a three-function
// pipeline in-process, through the runner's gRPC service, and with
// kpt fn render running the same builtin functions as exec binaries, and
// reports each one's p50 and p95.
func BenchmarkRender(b *testing.B) {
	needTools(b, "kpt")
	const inProcessRuns, grpcRuns, kptRuns = 30, 30, 10
	ctx := context.Background()

	execDir := b.TempDir()
	buildExecFunctions(b, execDir)
	pkg := renderPackage("")

	// The gRPC runner, on a loopback port.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := runner.NewServer([]runner.Evaluator{builtin.New()})
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	client, err := runner.NewClient(lis.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	inProcess := runner.NewInProcess(builtin.New())

	renderWith := func(fr cad.FunctionRunner) (cad.Package, time.Duration) {
		start := time.Now()
		out, _, err := render.Render(ctx, pkg, fr, render.Options{Name: "pkg"})
		took := time.Since(start)
		if err != nil {
			b.Fatalf("render: %v", err)
		}
		return out, took
	}
	work := b.TempDir()
	kptSource := filepath.Join(work, "source")
	cadtest.WritePackage(b, kptSource, renderPackage(execDir))
	kptRender := func(i int) (string, time.Duration) {
		dir := filepath.Join(work, fmt.Sprintf("run-%d", i))
		copyDir(b, kptSource, dir)
		took := timed(b, work, "kpt", "fn", "render", "--allow-exec", dir)
		return dir, took
	}

	for range b.N {
		// Once, untimed: the three ways write the same files.
		want, _ := renderWith(inProcess)
		viaGRPC, _ := renderWith(client)
		if diff := cadtest.DiffFiles(want, viaGRPC); len(diff) > 0 {
			b.Fatalf("gRPC render differs from in-process in %d files: %s", len(diff), firstDiff(want, viaGRPC, diff))
		}
		dir, _ := kptRender(-1)
		viaKpt := cadtest.ReadPackage(b, dir)
		viaKpt[cad.KptfileName] = imagesFor(viaKpt[cad.KptfileName], execDir)
		// The kpt here is a release before render recorded itself in the
		// Kptfile (status.renderStatus, the Rendered condition).
		unrecorded := cadtest.WithoutRenderStatus(want)
		if diff := cadtest.DiffFiles(unrecorded, viaKpt); len(diff) > 0 {
			b.Fatalf("kpt fn render differs from in-process in %d files: %s", len(diff), firstDiff(unrecorded, viaKpt, diff))
		}

		var local, remote, kpt []time.Duration
		for range inProcessRuns {
			_, took := renderWith(inProcess)
			local = append(local, took)
		}
		for range grpcRuns {
			_, took := renderWith(client)
			remote = append(remote, took)
		}
		for i := range kptRuns {
			dir, took := kptRender(i)
			kpt = append(kpt, took)
			_ = os.RemoveAll(dir)
		}
		localP50 := report(b, "inprocess", local)
		report(b, "grpc", remote)
		kptP50 := report(b, "kpt", kpt)
		b.ReportMetric(kptP50/localP50, "kpt/inprocess-p50")
	}
}

// imagesFor names the functions of a Kptfile kpt rendered by image again, as
// in the package the engine renders.
func imagesFor(kptfile, execDir string) string {
	for _, fn := range renderFunctions {
		kptfile = strings.ReplaceAll(kptfile, "exec: "+filepath.Join(execDir, fn.name), "image: "+fn.image)
	}
	return kptfile
}
