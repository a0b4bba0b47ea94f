package isolation

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// limitChild bounds what this process may map from now on to n bytes: its
// address space is capped at its size now plus n, so that an allocation
// past it fails (the Go runtime then stops the process with "out of
// memory"), and the garbage collector works to stay under n. The process
// also offers itself first to the kernel's OOM killer, before its parent,
// and runs only on CPU time nothing else wants: a script spinning to its
// budget does not slow the renders of others.
func limitChild(n int64) error {
	size, err := addressSpace()
	if err != nil {
		return err
	}
	limit := size + uint64(n)
	if err := unix.Setrlimit(unix.RLIMIT_AS, &unix.Rlimit{Cur: limit, Max: limit}); err != nil {
		return fmt.Errorf("limiting the address space: %w", err)
	}
	debug.SetMemoryLimit(n)
	// Best effort: a process may raise its own score and lower its own CPU share.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)
	time.AfterFunc(idleAfter, yieldCPU)
	return nil
}

// idleAfter is how long a child runs as any other process before it may
// have only CPU time nothing else wants: a short script's run, which the
// render it belongs to waits on, is done within it (an isolated run takes
// some 40 ms, most of it the start of the process), while a script that
// spins to its budget spends all but this first moment at the lowest
// priority.
const idleAfter = 50 * time.Millisecond

// yieldCPU puts every thread of this process under SCHED_IDLE: on Linux a
// scheduling policy is a thread's, and a thread started later takes its
// starter's.
func yieldCPU() {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			yieldThread(tid)
		}
	}
}

// yieldThread makes a thread run only on CPU time nothing else wants.
// Under SCHED_IDLE the kernel preempts it the moment another thread wakes
// on its CPU, and places woken threads on its CPU as on an idle one. A
// niceness, even 19, shares the CPU less but lets the thread run out its
// time slice before a woken one may run, and a render wakes threads of
// the apiserver, etcd, the webhook and the manager hundreds of times.
// Where the policy is refused, the thread is made as nice as it can be.
func yieldThread(tid int) {
	if unix.SchedSetAttr(tid, &unix.SchedAttr{Policy: unix.SCHED_IDLE}, 0) != nil {
		_ = unix.Setpriority(unix.PRIO_PROCESS, tid, 19)
	}
}

// addressSpace is the size of this process's address space, in bytes
// (VmSize): the Go runtime reserves much of it at start without using it.
func addressSpace() (uint64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	s := bufio.NewScanner(bytes.NewReader(status))
	for s.Scan() {
		fields := bytes.Fields(s.Bytes())
		if len(fields) == 3 && string(fields[0]) == "VmSize:" && string(fields[2]) == "kB" {
			kb, err := strconv.ParseUint(string(fields[1]), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmSize in /proc/self/status")
}
