package render

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
)

func TestExecRunner(t *testing.T) {
	ctx := context.Background()
	t.Run("passes stdin through and returns stdout", func(t *testing.T) {
		out, _, err := ExecRunner{}.Run(ctx, cad.Function{Exec: "cat"}, []byte("kind: ResourceList\n"))
		if err != nil || string(out) != "kind: ResourceList\n" {
			t.Fatalf("out=%q err=%v", out, err)
		}
	})
	t.Run("reports the exit code", func(t *testing.T) {
		_, _, err := ExecRunner{}.Run(ctx, cad.Function{Exec: "false"}, nil)
		if err == nil || exitCode(err) != 1 {
			t.Fatalf("err=%v", err)
		}
	})
	t.Run("times out", func(t *testing.T) {
		start := time.Now()
		_, _, err := ExecRunner{Timeout: 200 * time.Millisecond}.Run(ctx, cad.Function{Exec: "sleep 10"}, nil)
		if err == nil || !strings.Contains(err.Error(), "timed out") || time.Since(start) > 5*time.Second {
			t.Fatalf("err=%v after %s", err, time.Since(start))
		}
	})
	t.Run("bounds the output", func(t *testing.T) {
		out, _, err := ExecRunner{MaxOutput: 1000}.Run(ctx, cad.Function{Exec: "yes"}, nil)
		if err == nil || !strings.Contains(err.Error(), "more than 1000 bytes") || len(out) != 1000 {
			t.Fatalf("len=%d err=%v", len(out), err)
		}
	})
	t.Run("refuses image functions", func(t *testing.T) {
		_, _, err := ExecRunner{}.Run(ctx, cad.Function{Image: "example.com/fn:v1"}, nil)
		if err == nil || err.Error() != "image functions need the function runner: example.com/fn:v1" {
			t.Fatalf("err=%v", err)
		}
	})
}
