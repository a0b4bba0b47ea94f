package main

import (
	"errors"
	"flag"
	"time"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/exec"
)

type flags struct {
	port            int
	timeout         time.Duration
	maxOutputBytes  int
	maxMessageBytes int
	install         string
	// command is the function's entrypoint: everything after "--".
	command []string
}

func parseFlags(fs *flag.FlagSet, args []string) (flags, error) {
	var f flags
	fs.IntVar(&f.port, "port", runner.WrapperServerPort, "Port of the gRPC service.")
	fs.DurationVar(&f.timeout, "timeout", exec.DefaultTimeout, "Time the function may run before it is killed.")
	fs.IntVar(&f.maxOutputBytes, "max-output-bytes", exec.DefaultMaxOutputBytes, "Largest stdout, and stderr, of the function, in bytes.")
	fs.IntVar(&f.maxMessageBytes, "max-message-bytes", runner.DefaultMaxMessageBytes, "Largest request or response of the gRPC service, in bytes.")
	fs.StringVar(&f.install, "install", "", "Copy this binary into the folder as wrapper-server and exit (the pod's init container does this).")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	f.command = fs.Args()
	if f.install == "" && len(f.command) == 0 {
		return f, errors.New(`no function command: give it after "--", e.g. wrapper-server -- /usr/local/bin/function`)
	}
	return f, nil
}
