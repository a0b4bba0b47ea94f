package controlplane

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// processWithArgument is the process ID of the one process of this user
// whose command line holds arg, read from /proc: envtest keeps the
// processes it starts to itself.
func processWithArgument(arg string) (int, error) {
	cmdlines, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		return 0, err
	}
	for _, path := range cmdlines {
		cmdline, err := os.ReadFile(path)
		if err != nil {
			continue // the process exited meanwhile
		}
		if slices.Contains(strings.Split(string(cmdline), "\x00"), arg) {
			return strconv.Atoi(filepath.Base(filepath.Dir(path)))
		}
	}
	return 0, errors.New("no process has the argument " + arg + " (this needs /proc)")
}
