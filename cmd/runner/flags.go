package main

import (
	"flag"
	"time"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/exec"
)

type flags struct {
	port               int
	maxMessageBytes    int
	execConfig         string
	execTimeout        time.Duration
	execMaxOutputBytes int
}

func parseFlags(fs *flag.FlagSet, args []string) flags {
	var f flags
	fs.IntVar(&f.port, "port", 9445, "Port of the gRPC service.")
	fs.IntVar(&f.maxMessageBytes, "max-message-bytes", runner.DefaultMaxMessageBytes, "Largest request or response of the gRPC service, in bytes.")
	fs.StringVar(&f.execConfig, "exec-config", "", "YAML file mapping images to executables (functions: {IMAGE: PATH}); none runs no executables.")
	fs.DurationVar(&f.execTimeout, "exec-timeout", exec.DefaultTimeout, "Time an executable function may run before it is killed.")
	fs.IntVar(&f.execMaxOutputBytes, "exec-max-output-bytes", exec.DefaultMaxOutputBytes, "Largest stdout, and stderr, of an executable function, in bytes.")
	_ = fs.Parse(args)
	return f
}
