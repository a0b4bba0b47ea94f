package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/porch-dev/porch/runner/isolation"
)

// clockTicks is the unit of CPU times in /proc/<pid>/stat (USER_HZ).
const clockTicks = 100

// cpuByProcess is the CPU time, in seconds, every process on the machine
// has spent, summed by kind. A process's children that ended count as of
// the kind they were while they ran (their time moves into their parent's
// cutime then), so that the difference of two readings is what each kind
// spent between them.
func cpuByProcess() map[string]float64 {
	spent := map[string]float64{}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		closing := bytes.LastIndexByte(stat, ')')
		comm := string(stat[bytes.IndexByte(stat, '(')+1 : closing])
		// utime, stime, cutime and cstime: fields 14 to 17 of stat(5).
		f := strings.Fields(string(stat[closing+2:]))
		if len(f) < 15 {
			continue
		}
		own, children := seconds(f[11])+seconds(f[12]), seconds(f[13])+seconds(f[14])
		kind, childKind := processKind(comm, cmdline)
		spent[kind] += own
		spent[childKind] += children
	}
	return spent
}

// processKind names what a process is, and what its children are.
func processKind(comm string, cmdline []byte) (kind, children string) {
	switch {
	case bytes.Contains(cmdline, []byte(isolation.ChildArg)), comm == isolation.ChildBinary[:min(len(isolation.ChildBinary), 15)]:
		return "starlark children", "starlark children"
	case comm == "manager":
		return "manager", "starlark children"
	case comm == "bench.test":
		return "benchmark (client, git server)", "git (the git server's)"
	case strings.HasPrefix(comm, "git"):
		return "git (the git server's)", "git (the git server's)"
	case comm == "sh":
		return "idle CPU burner", "idle CPU burner"
	case strings.HasPrefix(comm, "kworker"):
		// Kernel workers rename themselves as they work: no kind to keep.
		return "", ""
	}
	return comm, comm + " (children)"
}

func seconds(ticks string) float64 {
	n, _ := strconv.ParseFloat(ticks, 64)
	return n / clockTicks
}

// addCPU adds to sum, made when nil, what each kind spent from before to
// after, and returns it.
func addCPU(sum, before, after map[string]float64) map[string]float64 {
	if sum == nil {
		sum = map[string]float64{}
	}
	for kind, s := range after {
		if kind != "" {
			sum[kind] += s - before[kind]
		}
	}
	return sum
}
