package rpkg

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/printers"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// discoverUpgrades prints, as upstream does, the newer upstream revisions
// each revision could be upgraded to: per revision (upstream), or per
// upstream revision (downstream). A revision's upstream is the one its
// Kptfile's upstreamLock names, so that revisions read from git, whatever
// made them, are found too.
func discoverUpgrades(cmd *cobra.Command, s *porchctl.Session, mode string, revisions revisionSet, names []string) error {
	if mode != "upstream" && mode != "downstream" {
		return fmt.Errorf("argument for 'discover' must be one of 'upstream' or 'downstream'")
	}
	prs := revisions
	if mode == "upstream" && len(names) > 0 {
		prs = nil
		var reasons []string
		for _, name := range names {
			if pr := revisions.named(name); pr != nil {
				prs = append(prs, *pr)
			} else {
				reasons = append(reasons, fmt.Sprintf("could not find package revision %s", name))
			}
		}
		if err := porchctl.Failures(reasons); err != nil {
			return err
		}
	}
	repos := &configv1alpha1.RepositoryList{}
	if err := s.Client.List(s.Ctx, repos, client.InNamespace(s.Namespace)); err != nil {
		return err
	}
	if mode == "upstream" {
		return printUpstreamUpdates(cmd.OutOrStdout(), revisions, repos.Items, prs)
	}
	return printDownstreamUpdates(cmd.OutOrStdout(), revisions, repos.Items, names)
}

// upgrades are the published revisions newer than the one a revision's
// upstreamLock names, oldest first, with the name of the Repository that
// holds them; a lock that names a draft (ref drafts/<package>/<workspace>)
// has every published revision as an upgrade, and draft its workspace.
type upgrades struct {
	repository, draft, from string
	newer                   []*porchv1alpha1.PackageRevision
}

func (rs revisionSet) upgradesOf(pr *porchv1alpha1.PackageRevision, repos []configv1alpha1.Repository) (upgrades, error) {
	lock := pr.Status.UpstreamLock
	var u upgrades
	switch {
	case lock == nil:
		return u, nil
	case lock.Oci != nil:
		u = rs.imageUpgradesOf(lock.Oci, repos)
	case lock.Git != nil:
		var err error
		if u, err = rs.gitUpgradesOf(pr, lock.Git, repos); err != nil {
			return u, err
		}
	}
	slices.SortFunc(u.newer, func(a, b *porchv1alpha1.PackageRevision) int { return cmp.Compare(a.Spec.Revision, b.Spec.Revision) })
	return u, nil
}

func (rs revisionSet) gitUpgradesOf(pr *porchv1alpha1.PackageRevision, lock *porchv1alpha1.GitLock, repos []configv1alpha1.Repository) (upgrades, error) {
	slash := strings.LastIndex(lock.Ref, "/")
	if slash < 0 {
		return upgrades{}, fmt.Errorf("could not parse upstreamLock in Kptfile of package %q: malformed upstreamLock.Git.Ref %q", pr.Name, lock.Ref)
	}
	pkg, last := lock.Ref[:slash], lock.Ref[slash+1:]
	var u upgrades
	current := -1
	if rest, ok := strings.CutPrefix(pkg, "drafts/"); ok {
		pkg, u.draft, current = rest, last, 0
	} else if n, err := strconv.Atoi(strings.TrimPrefix(last, "v")); err == nil {
		current, u.from = n, "v"+strconv.Itoa(n)
	}
	for _, repo := range repos {
		if repo.Spec.Git == nil || withGitSuffix(repo.Spec.Git.Repo) != withGitSuffix(lock.Repo) {
			continue
		}
		u.repository = repo.Name
		u.newer = append(u.newer, rs.publishedAfter(repo.Name, strings.TrimPrefix(pkg, strings.Trim(repo.Spec.Git.Directory, "/")+"/"), current)...)
	}
	return u, nil
}

// imageUpgradesOf finds the OCI repository whose registry path holds the
// locked image, and the revision its tag (a workspace) is there.
func (rs revisionSet) imageUpgradesOf(lock *porchv1alpha1.OciLock, repos []configv1alpha1.Repository) upgrades {
	image, tag := lock.RepositoryAndTag()
	var u upgrades
	for _, repo := range repos {
		if repo.Spec.Oci == nil {
			continue
		}
		pkg, ok := strings.CutPrefix(image, strings.TrimSuffix(repo.Spec.Oci.Registry, "/")+"/")
		if !ok {
			continue
		}
		u.repository = repo.Name
		current := -1
		for i := range rs {
			if at := &rs[i]; at.Spec.RepositoryName == repo.Name && at.Spec.PackageName == pkg && at.Spec.WorkspaceName == tag && at.Spec.Revision > 0 {
				current, u.from = at.Spec.Revision, "v"+strconv.Itoa(at.Spec.Revision)
			}
		}
		u.newer = append(u.newer, rs.publishedAfter(repo.Name, pkg, current)...)
	}
	return u
}

// publishedAfter are the published revisions of a package newer than
// revision current.
func (rs revisionSet) publishedAfter(repo, pkg string, current int) []*porchv1alpha1.PackageRevision {
	var newer []*porchv1alpha1.PackageRevision
	for i := range rs {
		up := &rs[i]
		if up.Spec.RepositoryName == repo && up.Spec.PackageName == pkg && up.Spec.Lifecycle.IsPublished() && up.Spec.Revision > current {
			newer = append(newer, up)
		}
	}
	return newer
}

func withGitSuffix(url string) string {
	if strings.HasSuffix(url, ".git") {
		return url
	}
	return url + ".git"
}

func printUpstreamUpdates(w io.Writer, revisions revisionSet, repos []configv1alpha1.Repository, prs revisionSet) error {
	rows := [][]string{{"PACKAGE REVISION", "UPSTREAM REPOSITORY", "UPSTREAM UPDATES"}}
	for i := range prs {
		u, err := revisions.upgradesOf(&prs[i], repos)
		if err != nil {
			return err
		}
		updates := "No update available"
		if len(u.newer) > 0 {
			var vs []string
			for _, up := range u.newer {
				vs = append(vs, "v"+strconv.Itoa(up.Spec.Revision))
			}
			updates = strings.Join(vs, ", ")
		}
		rows = append(rows, []string{prs[i].Name, u.repository, updates})
	}
	return printRows(w, rows)
}

func printDownstreamUpdates(w io.Writer, revisions revisionSet, repos []configv1alpha1.Repository, upstreams []string) error {
	var rows [][]string
	for i := range revisions {
		pr := &revisions[i]
		u, err := revisions.upgradesOf(pr, repos)
		if err != nil {
			return err
		}
		for _, up := range u.newer {
			if len(upstreams) > 0 && !slices.Contains(upstreams, up.Name) {
				continue
			}
			switch {
			case u.draft != "":
				rows = append(rows, []string{up.Name, pr.Name, fmt.Sprintf("(draft %q)->v%d", u.draft, up.Spec.Revision)})
			case u.from != "":
				rows = append(rows, []string{up.Name, pr.Name, fmt.Sprintf("%s->v%d", u.from, up.Spec.Revision)})
			}
		}
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "All downstream packages are up to date.")
		return err
	}
	slices.SortFunc(rows, func(a, b []string) int { return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1])) })
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
