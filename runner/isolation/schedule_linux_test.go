package isolation_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/porch-dev/porch/runner/isolation"
)

// The attack: a script that spins to its budget. Every thread of its
// child runs under SCHED_IDLE, so the kernel takes its CPU from it the
// moment any other thread wants one (the effect on other tenants' renders
// is measured by BenchmarkRenderBesideEndlessStarlark); the caller's
// threads keep their own policy.
func TestSpinningChildRunsOnlyOnIdleCPU(t *testing.T) {
	r := newRunner(t, isolation.Options{StarlarkMaxSteps: math.MaxUint64})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _, _ = r.Evaluate(ctx, image, script("while True: pass"))
	}()
	defer func() { cancel(); <-done }()
	pid := waitForChild(t)

	// The child puts its own threads there as it starts: wait for it.
	var policies map[int]uint32
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		policies = threadPolicies(t, pid)
		if len(policies) > 1 && allIdle(policies) {
			break
		}
	}
	if len(policies) < 2 || !allIdle(policies) {
		t.Fatalf("want every thread of the child under SCHED_IDLE (%d), got policies by thread %v", unix.SCHED_IDLE, policies)
	}
	for tid, policy := range threadPolicies(t, os.Getpid()) {
		if policy == unix.SCHED_IDLE {
			t.Fatalf("the caller's thread %d is under SCHED_IDLE too", tid)
		}
	}
}

// threadPolicies is the scheduling policy of each thread of process pid.
func threadPolicies(t *testing.T, pid int) map[int]uint32 {
	t.Helper()
	tasks, err := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "task"))
	if err != nil {
		t.Fatal(err)
	}
	policies := map[int]uint32{}
	for _, task := range tasks {
		tid, err := strconv.Atoi(task.Name())
		if err != nil {
			continue
		}
		attr, err := unix.SchedGetAttr(tid, 0)
		if err != nil {
			continue // the thread ended
		}
		policies[tid] = attr.Policy
	}
	return policies
}

func allIdle(policies map[int]uint32) bool {
	for _, p := range policies {
		if p != unix.SCHED_IDLE {
			return false
		}
	}
	return true
}
