package git

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// operationCount is how many git operations of the kind were observed.
func operationCount(t *testing.T, operation, result string) uint64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(Collectors()...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "porch_git_operation_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["operation"] == operation && labels["result"] == result {
				return m.GetHistogram().GetSampleCount()
			}
		}
	}
	return 0
}

func transferred(operation, direction string) float64 {
	return testutil.ToFloat64(transferredBytes.WithLabelValues(operation, direction))
}

func TestGitOperationsAreMeasured(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	fetches, pushes, conflicts := operationCount(t, "fetch", "success"), operationCount(t, "push", "success"), operationCount(t, "push", "conflict")
	received, sent := transferred("fetch", "received"), transferred("push", "sent")

	fresh, err := OpenMirror(filepath.Join(t.TempDir(), "fresh"), r.ep)
	if err != nil {
		t.Fatal(err)
	}
	if err := fresh.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if got := operationCount(t, "fetch", "success"); got != fetches+1 {
		t.Errorf("successful fetches = %d, want %d", got, fetches+1)
	}
	if got := transferred("fetch", "received"); got <= received {
		t.Errorf("bytes received by fetches stayed at %v after a fetch of a fresh mirror", got)
	}

	r.draft(r.w, "app", "ws1", "1")
	if got := operationCount(t, "push", "success"); got != pushes+1 {
		t.Errorf("successful pushes = %d, want %d", got, pushes+1)
	}
	if got := transferred("push", "sent"); got <= sent {
		t.Errorf("bytes sent by pushes stayed at %v after a draft was pushed", got)
	}

	// A push expecting main where it is not loses the compare-and-swap.
	wrong := plumbing.NewHash("1111111111111111111111111111111111111111")
	r.wantConflict(push(ctx, r.ep, nil, []refUpdate{{name: "refs/heads/main", old: wrong, new: r.start}}), r.refs())
	if got := operationCount(t, "push", "conflict"); got != conflicts+1 {
		t.Errorf("pushes that lost a race = %d, want %d", got, conflicts+1)
	}

	failures := operationCount(t, "fetch", "failure")
	gone, err := OpenMirror(filepath.Join(t.TempDir(), "gone"), Endpoint{URL: "http://127.0.0.1:1/none.git"})
	if err != nil {
		t.Fatal(err)
	}
	if err := gone.Fetch(ctx); err == nil {
		t.Fatal("a fetch from a closed port succeeded")
	}
	if got := operationCount(t, "fetch", "failure"); got != failures+1 {
		t.Errorf("failed fetches = %d, want %d", got, failures+1)
	}
}

func TestGitOperationOfRequest(t *testing.T) {
	for url, want := range map[string]string{
		"https://example.com/r.git/info/refs?service=git-upload-pack":  "fetch",
		"https://example.com/r.git/git-upload-pack":                    "fetch",
		"https://example.com/r.git/info/refs?service=git-receive-pack": "push",
		"https://example.com/r.git/git-receive-pack":                   "push",
	} {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := gitOperation(req); got != want {
			t.Errorf("gitOperation(%s) = %q, want %q", url, got, want)
		}
	}
}
