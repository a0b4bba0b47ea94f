package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// phase is one condition under which renders are timed.
type phase struct {
	name string
	// noise starts what runs beside the renders and returns what stops
	// it, which says how many runs of the noise ended meanwhile.
	noise     func() (stop func() int)
	latencies []time.Duration
	wall      time.Duration
	// cpu is the CPU time, in seconds, of each process kind.
	cpu map[string]float64
	// git is what the git server served the renders, by request.
	git       map[string]*servedRequests
	noiseRuns int
}

// p is the q-quantile of the phase's latencies, in ms.
func (p *phase) p(q float64) float64 {
	return percentile(slices.Sorted(slices.Values(p.latencies)), q)
}

// slug is the phase's name as a benchmark metric's unit takes it.
func (p *phase) slug() string {
	return strings.ReplaceAll(p.name, " ", "-")
}

// report reports the phase's percentiles, and their ratio to base's.
func (p *phase) report(b *testing.B, base *phase) {
	b.ReportMetric(p.p(0.5), "ms-p50-"+p.slug())
	b.ReportMetric(p.p(0.95), "ms-p95-"+p.slug())
	if p != base {
		b.ReportMetric(p.p(0.5)/base.p(0.5), "x-p50-"+p.slug()+"/"+base.slug())
		b.ReportMetric(p.p(0.95)/base.p(0.95), "x-p95-"+p.slug()+"/"+base.slug())
	}
}

// row is the phase's line in a table of latencies, in ms, and of their
// ratio to base's.
func (p *phase) row(base *phase) string {
	return fmt.Sprintf("%-26s %6.0f %6.0f %6.2f %6.2f\n", p.name, p.p(0.5), p.p(0.95), p.p(0.5)/base.p(0.5), p.p(0.95)/base.p(0.95))
}

// cpuTable is the CPU seconds each process kind spent per second of each
// phase, the kinds that spent the most first.
func cpuTable(phases []*phase) string {
	total := map[string]float64{}
	for _, p := range phases {
		for kind, s := range p.cpu {
			total[kind] += s
		}
	}
	kinds := make([]string, 0, len(total))
	for kind, s := range total {
		if s >= 0.05 {
			kinds = append(kinds, kind)
		}
	}
	slices.SortFunc(kinds, func(a, b string) int { return int(1000 * (total[b] - total[a])) })
	var t strings.Builder
	fmt.Fprintf(&t, "%-34s", "")
	for _, p := range phases {
		fmt.Fprintf(&t, " %26s", p.name)
	}
	t.WriteString("\n")
	for _, kind := range append(kinds, "all") {
		fmt.Fprintf(&t, "%-34s", kind)
		for _, p := range phases {
			s := p.cpu[kind]
			if kind == "all" {
				s = 0
				for _, v := range p.cpu {
					s += v
				}
			}
			fmt.Fprintf(&t, " %26.2f", s/p.wall.Seconds())
		}
		t.WriteString("\n")
	}
	return t.String()
}

// addServed adds to sum, made when nil, the requests served for repo.
func addServed(sum, served map[string]*servedRequests, repo string) map[string]*servedRequests {
	if sum == nil {
		sum = map[string]*servedRequests{}
	}
	for key, s := range served {
		if !strings.HasPrefix(key, repo+"/") {
			continue
		}
		if sum[key] == nil {
			sum[key] = &servedRequests{}
		}
		sum[key].count += s.count
		sum[key].took += s.took
	}
	return sum
}

// gitTable is, for each phase, each request the git server served per
// render and the mean time it took.
func gitTable(phases []*phase) string {
	var t strings.Builder
	for _, p := range phases {
		renders := float64(len(p.latencies))
		var total time.Duration
		for _, key := range slices.Sorted(maps.Keys(p.git)) {
			s := p.git[key]
			total += s.took
			fmt.Fprintf(&t, "%-26s %-32s %4.1f per render, %6.1f ms each\n", p.name, key, float64(s.count)/renders, meanMs(s.took.Seconds(), float64(s.count)))
		}
		fmt.Fprintf(&t, "%-26s %-32s %6.1f ms per render\n", p.name, "all", total.Seconds()*1000/renders)
	}
	return t.String()
}
