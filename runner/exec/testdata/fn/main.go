// Command fn is a KRM function for the runner's tests. What it does depends
// on the name it is run as, so one build serves every case.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	switch name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe"); name {
	case "echo":
		// The input back, with a result to show it ran.
		fmt.Fprintln(os.Stderr, "echo ran")
		os.Stdout.Write(in)
		fmt.Fprintln(os.Stdout, "results:\n- message: echo ran\n  severity: info")
	case "fail":
		os.Stdout.Write(in)
		fmt.Fprintln(os.Stderr, "bad input: no widgets")
		os.Exit(1)
	case "sleep":
		time.Sleep(time.Minute)
	case "flood":
		chunk := []byte(strings.Repeat("x", 1<<16) + "\n")
		for {
			if _, err := os.Stdout.Write(chunk); err != nil {
				os.Exit(2)
			}
		}
	case "garbage":
		fmt.Fprintln(os.Stdout, "items: [unterminated")
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", name)
		os.Exit(3)
	}
}
