package isolation_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/render"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/isolation"
)

// The test binary is the children's executable.
func TestMain(m *testing.M) {
	isolation.Main(os.Args)
	os.Exit(m.Run())
}

const image = "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"

func newRunner(t *testing.T, o isolation.Options) *isolation.Runner {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return isolation.New(exe, o)
}

func script(source string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n")
	b.WriteString("functionConfig:\n  apiVersion: fn.kpt.dev/v1alpha1\n  kind: StarlarkRun\n  metadata:\n    name: s\n  source: |\n")
	for _, line := range strings.Split(strings.TrimRight(source, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return []byte(b.String())
}

// peakRSS is this process's peak resident memory (VmHWM), in bytes.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: ", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// The attack: one step of a script asks for 512 MiB. The child dies of
// its 128 MiB limit, the call says so, and this process, which would have
// held the string, did not grow.
func TestMemoryLimitHolds(t *testing.T) {
	r := newRunner(t, isolation.Options{MemoryBytes: 128 << 20})
	before := peakRSS(t)
	_, _, err := r.Evaluate(context.Background(), image, script(`s = "x" * (1 << 29)
ctx.resource_list["items"][0]["metadata"]["name"] = s[:3]
`))
	var memErr *isolation.MemoryError
	if !errors.As(err, &memErr) || !errors.Is(err, runner.ErrTooLarge) || !strings.Contains(err.Error(), "memory limit of 128 MiB") {
		t.Fatalf("want a MemoryError of 128 MiB, got %v", err)
	}
	if grew := peakRSS(t) - before; grew > 64<<20 {
		t.Fatalf("this process grew by %d MiB", grew>>20)
	}
	// Under the limit, the same kind of script runs.
	out, _, err := r.Evaluate(context.Background(), image, script(`s = "x" * (1 << 20)
ctx.resource_list["items"][0]["metadata"]["name"] = s[:3]
`))
	if err != nil || !strings.Contains(string(out), "name: xxx") {
		t.Fatalf("a script within the limit: %v\n%s", err, out)
	}
}

// A script that never ends is killed with its child when the context
// ends, promptly.
func TestChildKilledAtDeadline(t *testing.T) {
	r := newRunner(t, isolation.Options{StarlarkMaxSteps: math.MaxUint64})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, _, err := r.Evaluate(ctx, image, script("while True: pass"))
	deadline, _ := ctx.Deadline()
	if late := time.Since(deadline); late > time.Second {
		t.Fatalf("returned %s after the deadline", late)
	}
	var stopped *runner.StoppedError
	if !errors.As(err, &stopped) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the function stopped at its deadline, got %v", err)
	}
}

// The child's step budget is the one given, and its error comes back as
// the in-process function's would, with the error result in the output.
func TestChildBudget(t *testing.T) {
	r := newRunner(t, isolation.Options{StarlarkMaxSteps: 1000})
	out, _, err := r.Evaluate(context.Background(), image, script("while True: pass"))
	want := `function "` + image + `" failed: starlark: too many steps (budget 1000)`
	if err == nil || err.Error() != want || !strings.Contains(string(out), "too many steps") {
		t.Fatalf("want %q with the result in the output, got %v\n%s", want, err, out)
	}
}

// Children are capped: with the one slot taken by an endless script, a
// second call waits, and gives up when its context ends.
func TestProcessesCapped(t *testing.T) {
	r := newRunner(t, isolation.Options{Processes: 1, StarlarkMaxSteps: math.MaxUint64})
	endless, stop := context.WithCancel(context.Background())
	defer stop()
	first := make(chan error, 1)
	go func() {
		_, _, err := r.Evaluate(endless, image, script("while True: pass"))
		first <- err
	}()
	// The slot is taken once the first call's child runs.
	waitForChild(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, _, second := r.Evaluate(ctx, image, script("pass"))
	stop()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("want the endless call cancelled, got %v", err)
	}
	if !errors.Is(second, context.DeadlineExceeded) {
		t.Fatalf("want the second call to wait out its deadline, got %v", second)
	}
}

// waitForChild returns the pid of this process's child running an
// isolated function once there is one, looking every 10 ms for up to 10 s.
func waitForChild(t *testing.T) int {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(10 * time.Second)
	for {
		if pid, ok := child(); ok {
			return pid
		}
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatal("no child started")
		}
	}
}

// child finds a process whose parent is this one and which runs with
// isolation.ChildArg.
func child() (int, bool) {
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(isolation.ChildArg)) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		// The parent's pid is the second field after the command's ")".
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(os.Getpid()) {
			pid, err := strconv.Atoi(p.Name())
			return pid, err == nil
		}
	}
	return 0, false
}

// Isolated or not, a render gives the same files and results, on parsed
// resources and on YAML alike.
func TestIsolatedRenderMatchesInProcess(t *testing.T) {
	pkg := cad.Package{
		cad.KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n" +
			"    - image: " + image + "\n      configPath: fn.yaml\n",
		"fn.yaml": "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata:\n  name: s\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n" +
			"source: |\n  print('renaming')\n  for r in ctx.resource_list['items']:\n    if r['kind'] == 'ConfigMap':\n      r['data'] = {'b': '2', 'a': '1'}\n",
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm # a comment\n",
	}
	isolated := runner.NewInProcess(builtin.New(builtin.WithIsolator(newRunner(t, isolation.Options{}))))
	inProcess := runner.NewInProcess(builtin.New())
	gotFiles, gotResult, err := render.Render(context.Background(), pkg, isolated, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles, wantResult, err := render.Render(context.Background(), pkg, inProcess, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotFiles, wantFiles) || !reflect.DeepEqual(gotResult, wantResult) {
		t.Fatalf("isolated:\n%v\n%+v\nin-process:\n%v\n%+v", gotFiles, gotResult, wantFiles, wantResult)
	}
	if !strings.Contains(gotFiles["cm.yaml"], "a: \"1\"") || gotResult.Items[0].Stderr != "renaming\n" {
		t.Fatalf("the script did not run: %v %+v", gotFiles, gotResult)
	}
	// And the YAML way, as the runner's server calls it.
	in := script("ctx.resource_list['items'][0]['data'] = {'k': 'v'}")
	got, _, err := builtin.New(builtin.WithIsolator(newRunner(t, isolation.Options{}))).Evaluate(context.Background(), image, in)
	want, _, werr := builtin.New().Evaluate(context.Background(), image, in)
	if err != nil || werr != nil || !bytes.Equal(got, want) {
		t.Fatalf("isolated (%v):\n%s\nin-process (%v):\n%s", err, got, werr, want)
	}
}
