package starlarkfn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"go.starlark.net/starlark"
)

// The attack: a script that never ends. The default budget stops it, with
// an error that says so; the result the user sees says the same.
func TestEndlessLoopSpendsItsBudget(t *testing.T) {
	rl, _, err := run(t, context.Background(), "while True: pass", Options{})
	var budget *BudgetError
	if !errors.As(err, &budget) || budget.Steps != DefaultMaxSteps {
		t.Fatalf("want a BudgetError of %d steps, got %v", uint64(DefaultMaxSteps), err)
	}
	want := "starlark: too many steps (budget 100000000)"
	if err.Error() != want || len(rl.Results) != 1 || rl.Results[0].Message != want {
		t.Fatalf("want %q as error and result, got %v and %+v", want, err, rl.Results)
	}
}

// The same loop with no budget to speak of is stopped by its context's
// deadline, promptly: the interpreter checks for cancellation between
// steps.
func TestEndlessLoopStopsAtDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := run(t, ctx, "while True: pass", Options{MaxSteps: math.MaxUint64})
	deadline, _ := ctx.Deadline()
	late := time.Since(deadline)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	if late > time.Second {
		t.Fatalf("the script ran on %s after its deadline", late)
	}
}

// A script that allocates in a loop spends steps too.
func TestBudgetIsConfigurable(t *testing.T) {
	_, _, err := run(t, context.Background(), "l = []\nfor i in range(1000000):\n  l.append(i)\n", Options{MaxSteps: 1000})
	if err == nil || err.Error() != "starlark: too many steps (budget 1000)" {
		t.Fatalf("want the budget of 1000 spent, got %v", err)
	}
}

// No request leaves from the manager's network: the http module is not
// there, and the error names it.
func TestHTTPModuleIsRefused(t *testing.T) {
	_, _, err := run(t, context.Background(), `load("http.star", "http")
http.get("http://127.0.0.1:1/")
`, Options{})
	if err == nil || !strings.Contains(err.Error(), `"http.star"`) || !strings.Contains(err.Error(), "not available") {
		t.Fatalf("want loading http.star refused by name, got %v", err)
	}
}

// The manager's environment is not the script's to read: a variable set
// in this process does not reach the package.
func TestEnvironmentIsEmpty(t *testing.T) {
	t.Setenv("PORCH_TEST_SENTINEL", "secret-value")
	rl, _, err := run(t, context.Background(), `r = ctx.resource_list["items"][0]
r["metadata"]["annotations"] = {"env": str(ctx.environment), "size": str(len(ctx.environment))}
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := rl.Items[0].String()
	if strings.Contains(out, "secret-value") || !strings.Contains(out, "env: '{}'") || !strings.Contains(out, `size: "0"`) {
		t.Fatalf("want an empty environment, got:\n%s", out)
	}
}

// Two runs share no lock: a trivial script runs to its end while an
// endless one is inside the interpreter beside it.
func TestRunsDoNotSerialise(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	started := make(chan struct{})
	endless := make(chan error, 1)
	go func() {
		// Its first print says it is running.
		out := &signalWriter{signal: started}
		endless <- exec(ctx, program{name: "endless", source: "print('running')\nwhile True: pass\n"}, starlark.NewDict(0), math.MaxUint64, out)
	}()
	<-started

	rl, _, err := run(t, context.Background(), `ctx.resource_list["items"][0]["metadata"]["name"] = "renamed"`, Options{})
	if err != nil || rl.Items[0].GetName() != "renamed" {
		t.Fatalf("the trivial script: %v", err)
	}
	select {
	case err := <-endless:
		t.Fatalf("the endless script ended before the trivial one was checked: %v", err)
	default:
	}
	cancel()
	if err := <-endless; !errors.Is(err, context.Canceled) {
		t.Fatalf("want the endless script cancelled, got %v", err)
	}
}
