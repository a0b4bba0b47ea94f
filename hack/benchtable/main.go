// Command benchtable prints the figures of make bench as one table: each
// row the issue of fleet scale sets a target for, its figure now, the
// target, and the limit measured on the same machine where one bounds it.
// It reads the output of go test -bench (stdin, or the files named).
//
//	go test -run '^$' -bench . ./test/bench/ | tee bin/bench.txt
//	go run ./hack/benchtable bin/bench.txt
package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// figure is one metric of one benchmark: its name without GOMAXPROCS,
// and a pattern its unit matches (units carry the scale, e.g.
// s-to-550-drafts).
type figure struct {
	bench string
	unit  *regexp.Regexp
}

// row is one line of the table.
type row struct {
	what string
	now  figure
	// more are figures shown beside now, " / " between them.
	more []figure
	// atMost is the target; 0 when the row has none.
	atMost float64
	// limit, when set, is a figure that bounds now from outside the product.
	limit *figure
}

func fig(bench, unit string) figure { return figure{bench, regexp.MustCompile("^" + unit + "$")} }

var rows = []row{
	{what: "sync 1,000 packages × 3 revisions: s from Repository create to all present", now: fig("SyncLargeRepository", "s-to-all-revisions"), atMost: 20,
		limit: ptrTo(fig("APIServerFloor/revisions", `s-for-\d+-revisions`))},
	{what: "  the same writes as ConfigMaps: s (what a built-in kind costs)", now: fig("APIServerFloor/configmaps", `s-for-\d+-revisions`)},
	{what: "  apiserver CPU per write, ms; bytes of a revision's two objects as stored", now: fig("APIServerFloor/revisions", "apiserver-cpu-ms/write"),
		more: []figure{fig("APIServerFloor/revisions", "bytes/revision")}},
	{what: "  manager peak RSS, MiB", now: fig("SyncLargeRepository", "MiB-peak-rss")},
	{what: "sync 100 repositories × 10 packages × 3: s to all Ready", now: fig("SyncManyRepositories", "s-to-all-ready")},
	{what: "  manager peak RSS, MiB (target set at 1,000 repositories)", now: fig("SyncManyRepositories", "MiB-peak-rss"), atMost: 512},
	{what: "authoring p95 create, 1,000 packages: ms", now: fig("AuthoringLatency", `ms-p95-create-(1000|100)pkgs`), atMost: 300},
	{what: "authoring p95 propose, 1,000 packages: ms", now: fig("AuthoringLatency", `ms-p95-propose-(1000|100)pkgs`), atMost: 300},
	{what: "authoring p95 approve, 1,000 packages: ms", now: fig("AuthoringLatency", `ms-p95-approve-(1000|100)pkgs`), atMost: 300},
	{what: "authoring p50, the manager's own (less the git server's busy time), create, 1,000 / 10 packages", now: fig("AuthoringLatency", `x-p50-\d+pkgs/10pkgs-manager-create`), atMost: 1.1},
	{what: "  the same, propose", now: fig("AuthoringLatency", `x-p50-\d+pkgs/10pkgs-manager-propose`), atMost: 1.1},
	{what: "  the same, approve", now: fig("AuthoringLatency", `x-p50-\d+pkgs/10pkgs-manager-approve`), atMost: 1.1},
	{what: "  the whole steps, create / propose / approve, 1,000 / 10 packages", now: fig("AuthoringLatency", `x-p50-\d+pkgs/10pkgs-create`),
		more: []figure{fig("AuthoringLatency", `x-p50-\d+pkgs/10pkgs-propose`), fig("AuthoringLatency", `x-p50-\d+pkgs/10pkgs-approve`)}},
	{what: "PackageVariantSet over 500 repositories: s to the Drafts", now: fig("PackageVariantSetFleet", `s-to-\d+-drafts`), atMost: 20},
	{what: "PackageVariantSet: s to the upgrade Drafts after a new upstream", now: fig("PackageVariantSetFleet", `s-to-\d+-upgrades`), atMost: 20},
	{what: "label update p99 at the client: ms", now: fig("WebhookLatency", "ms-p99-label"), atMost: 20,
		limit: ptrTo(fig("WebhookLatency", "ms-p99-baseline"))},
	{what: "approval p99 at the client: ms", now: fig("WebhookLatency", "ms-p99-approval"), atMost: 20},
	{what: "  the webhooks alone, label / approval p99: ms", now: fig("WebhookLatency", "ms-webhook-p99-label"),
		more: []figure{fig("WebhookLatency", "ms-webhook-p99-approval")}},
	{what: "OCI sync of a large registry: s to all present", now: fig("SyncLargeRegistry", "s-to-all-revisions")},
}

func main() {
	results, err := read(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if os.Getenv("BENCH_QUICK") == "1" {
		fmt.Println("BENCH_QUICK=1: every figure at a tenth of the scale the targets are set at; compare runs, not targets.")
	}
	fmt.Print(table(results))
}

// read collects every metric of the results, keyed by benchmark and unit.
func read(files []string) (map[string]map[string]float64, error) {
	inputs := []io.Reader{os.Stdin}
	names := []string{"stdin"}
	if len(files) > 0 {
		inputs, names = nil, nil
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			inputs, names = append(inputs, f), append(names, name)
		}
	}
	out := map[string]map[string]float64{}
	for i, in := range inputs {
		r := benchfmt.NewReader(in, names[i])
		for r.Scan() {
			res, ok := r.Result().(*benchfmt.Result)
			if !ok {
				continue
			}
			name := string(withoutProcs(res.Name))
			if out[name] == nil {
				out[name] = map[string]float64{}
			}
			for _, v := range res.Values {
				out[name][v.Unit] = v.Value
			}
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// withoutProcs is a benchmark's name without its -GOMAXPROCS suffix.
func withoutProcs(n benchfmt.Name) []byte {
	base, parts := n.Parts()
	name := append([]byte{}, base...)
	for _, p := range parts {
		if len(p) > 0 && p[0] == '-' {
			continue
		}
		name = append(name, p...)
	}
	return name
}

// lookup finds a figure; ok is false when its benchmark did not run.
func lookup(results map[string]map[string]float64, f figure) (float64, bool) {
	for unit, v := range results[f.bench] {
		if f.unit.MatchString(unit) {
			return v, true
		}
	}
	return 0, false
}

func table(results map[string]map[string]float64) string {
	var b strings.Builder
	b.WriteString("| figure | now | target | limit measured here |\n|---|---|---|---|\n")
	for _, r := range rows {
		var figures []string
		for _, f := range append([]figure{r.now}, r.more...) {
			v, ok := lookup(results, f)
			switch {
			case !ok:
				figures = append(figures, "not run")
			case r.atMost > 0 && v > r.atMost:
				figures = append(figures, format(v)+" (over)")
			default:
				figures = append(figures, format(v))
			}
		}
		now, target, limit := strings.Join(figures, " / "), "", ""
		if r.atMost > 0 {
			target = "≤ " + format(r.atMost)
		}
		if r.limit != nil {
			if v, ok := lookup(results, *r.limit); ok {
				limit = format(v)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.what, now, target, limit)
	}
	return b.String()
}

func format(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func ptrTo[T any](v T) *T { return &v }
