package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// installName is the binary's name in the shared volume; the pod
// evaluator's container command names the same.
const installName = "wrapper-server"

// install copies the running binary into dir. The binary copies itself,
// rather than the init container running cp, so that the runner's image
// needs no shell or coreutils.
func install(dir string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	src, err := os.Open(self)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	defer src.Close()
	dst := filepath.Join(dir, installName)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	if _, err := io.Copy(out, src); err != nil {
		_ = out.Close()
		return fmt.Errorf("install %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("install %s: %w", dst, err)
	}
	fmt.Fprintf(os.Stderr, "wrapper-server: installed %s\n", dst)
	return nil
}
