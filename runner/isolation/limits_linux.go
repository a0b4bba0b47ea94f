package isolation

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"

	"golang.org/x/sys/unix"
)

// limitChild bounds what this process may map from now on to n bytes: its
// address space is capped at its size now plus n, so that an allocation
// past it fails (the Go runtime then stops the process with "out of
// memory"), and the garbage collector works to stay under n. The process
// also offers itself first to the kernel's OOM killer, before its parent,
// and yields the CPU to its parent: a script spinning to its budget does
// not slow the renders of others.
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
	// Best effort: a process may raise its own score and its niceness.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)
	yieldCPU()
	return nil
}

// childNice is the niceness of a child: a share of the CPU a tenth of its
// parent's when both want it.
const childNice = 10

// yieldCPUOf makes the process pid nicer. Just after its start it has one
// thread, whose niceness the threads it starts take.
func yieldCPUOf(pid int) {
	_ = unix.Setpriority(unix.PRIO_PROCESS, pid, childNice)
}

// yieldCPU makes every thread of this process nicer: on Linux the
// niceness is a thread's, and a thread started later takes its starter's.
func yieldCPU() {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			_ = unix.Setpriority(unix.PRIO_PROCESS, tid, childNice)
		}
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
