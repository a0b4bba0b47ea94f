package rpkg

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/printers"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// discoverUpgrades prints, as upstream does, the newer upstream revisions
// each downstream revision could be upgraded to: per downstream revision
// (upstream), or per upstream revision (downstream).
func discoverUpgrades(cmd *cobra.Command, mode string, revisions revisionSet, names []string) error {
	if mode != "upstream" && mode != "downstream" {
		return fmt.Errorf("argument for 'discover' must be one of 'upstream' or 'downstream'")
	}
	var reasons []string
	for _, name := range names {
		if revisions.named(name) == nil {
			reasons = append(reasons, fmt.Sprintf("could not find package revision %s", name))
		}
	}
	if err := porchctl.Failures(reasons); err != nil {
		return err
	}
	if mode == "upstream" {
		downstream := revisions
		if len(names) > 0 {
			downstream = nil
			for _, name := range names {
				downstream = append(downstream, *revisions.named(name))
			}
		}
		return printUpstreamUpdates(cmd.OutOrStdout(), revisions, downstream)
	}
	return printDownstreamUpdates(cmd.OutOrStdout(), revisions, names)
}

// newerUpstreams are the published revisions of the upstream package pr
// was cloned from or last upgraded to, newer than that one, oldest first.
func (rs revisionSet) newerUpstreams(pr *porchv1alpha1.PackageRevision) (current *porchv1alpha1.PackageRevision, newer []*porchv1alpha1.PackageRevision) {
	current = rs.named(rs.upstreamOf(pr))
	if current == nil {
		return nil, nil
	}
	for i := range rs {
		up := &rs[i]
		if up.Spec.RepositoryName == current.Spec.RepositoryName && up.Spec.PackageName == current.Spec.PackageName &&
			up.Spec.Lifecycle.IsPublished() && up.Spec.Revision > current.Spec.Revision {
			newer = append(newer, up)
		}
	}
	slices.SortFunc(newer, func(a, b *porchv1alpha1.PackageRevision) int { return a.Spec.Revision - b.Spec.Revision })
	return current, newer
}

func printUpstreamUpdates(w io.Writer, revisions, downstream revisionSet) error {
	rows := [][]string{{"PACKAGE REVISION", "UPSTREAM REPOSITORY", "UPSTREAM UPDATES"}}
	for i := range downstream {
		pr := &downstream[i]
		if !pr.Spec.Lifecycle.IsPublished() || pr.Spec.Revision < 1 {
			continue
		}
		current, newer := revisions.newerUpstreams(pr)
		if current == nil {
			continue
		}
		updates := "No update available"
		if len(newer) > 0 {
			var vs []string
			for _, up := range newer {
				vs = append(vs, "v"+strconv.Itoa(up.Spec.Revision))
			}
			updates = strings.Join(vs, ", ")
		}
		rows = append(rows, []string{pr.Name, current.Spec.RepositoryName, updates})
	}
	return printRows(w, rows)
}

func printDownstreamUpdates(w io.Writer, revisions revisionSet, upstreams []string) error {
	var rows [][]string
	for i := range revisions {
		pr := &revisions[i]
		if !pr.Spec.Lifecycle.IsPublished() || pr.Spec.Revision < 1 {
			continue
		}
		current, newer := revisions.newerUpstreams(pr)
		for _, up := range newer {
			if len(upstreams) == 0 || slices.Contains(upstreams, up.Name) {
				rows = append(rows, []string{up.Name, pr.Name, fmt.Sprintf("v%d->v%d", current.Spec.Revision, up.Spec.Revision)})
			}
		}
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "All downstream packages are up to date.")
		return err
	}
	slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	return printRows(w, append([][]string{{"PACKAGE REVISION", "DOWNSTREAM PACKAGE", "DOWNSTREAM UPDATE"}}, rows...))
}

func printRows(w io.Writer, rows [][]string) error {
	tw := printers.GetNewTabWriter(w)
	for _, row := range rows {
		if _, err := fmt.Fprintln(tw, strings.Join(row, "\t")); err != nil {
			return err
		}
	}
	return tw.Flush()
}
