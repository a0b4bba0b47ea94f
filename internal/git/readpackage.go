package git

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/porch-dev/porch/internal/repository"
)

// commitHashRE is a full commit hash, as a clone's upstream ref may be.
var commitHashRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ReadPackage reads the package in folder directory of any git repository
// at ref, without a mirror: the objects are fetched into memory and dropped
// afterwards. It serves clones from a git URL, whose upstream is usually
// not a registered repository.
//
// ref is a branch, a tag (tried in that order; "refs/..." names one
// exactly) or a full commit hash. A branch or tag, or a commit one of
// them points at, is fetched alone and without history; any other commit
// needs every branch and tag fetched, to find it among their history.
// directory is relative to the repository root; slashes around it are
// ignored, and "" or "/" is the root. The folder must hold a Kptfile.
//
// files maps paths relative to the folder to their content. Entries whose
// name could leave the folder, symlinks and submodules are left out, as
// discovery leaves them out. maxBytes (when > 0) limits the sum of the file
// sizes. commit is the hash of the commit read, tags peeled.
//
// Errors wrap repository.ErrRefNotFound, ErrPackageNotFound,
// ErrInvalidPackage (a directory that is no folder path, or content over
// maxBytes), or ErrAuthentication and ErrUnreachable, with credentials
// removed from the message.
func ReadPackage(ctx context.Context, ep Endpoint, ref, directory string, maxBytes int64) (files map[string]string, commit string, err error) {
	dir := normaliseDirectory(directory)
	if err := checkDirectory(dir); err != nil {
		return nil, "", err
	}
	refs, err := listRefs(ctx, ep)
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, "", err
	}
	st := memory.NewStorage()
	target, err := fetchRef(ctx, ep, st, branchesAndTags(refs), ref)
	if err != nil {
		return nil, "", err
	}
	o := newObjects(st)
	c, err := o.peel(target)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, "", fmt.Errorf("%w: %s has no commit %s on any branch or tag", repository.ErrRefNotFound, SafeURL(ep.URL), ref)
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading %s of %s: %w", ref, SafeURL(ep.URL), err)
	}
	root, err := o.tree(c.TreeHash)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s of %s: %w", ref, SafeURL(ep.URL), err)
	}
	where := fmt.Sprintf("folder %q at %s of %s", "/"+dir, ref, SafeURL(ep.URL))
	t, err := o.subtree(root, dir)
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("reading the %s: %w", where, err)
	case t == nil:
		return nil, "", fmt.Errorf("%w: there is no %s", repository.ErrPackageNotFound, where)
	case !hasKptfile(t):
		return nil, "", fmt.Errorf("%w: the %s has no %s, so it is not a package", repository.ErrPackageNotFound, where, kptfileName)
	}
	content, err := o.content(t, maxBytes)
	if err != nil {
		return nil, "", fmt.Errorf("reading the %s: %w", where, err)
	}
	if content.tooLarge {
		return nil, "", fmt.Errorf("%w: the package in the %s holds %d bytes, over the limit of %d",
			repository.ErrInvalidPackage, where, content.size, maxBytes)
	}
	return content.files, c.Hash.String(), nil
}

// fetchRef fetches into st what ref designates among the remote's branches
// and tags, and returns the hash ref stands for: the ref's (a tag object,
// maybe) or the commit's.
func fetchRef(ctx context.Context, ep Endpoint, st *memory.Storage, refs []*plumbing.Reference, ref string) (plumbing.Hash, error) {
	var candidates []plumbing.ReferenceName
	if strings.HasPrefix(ref, "refs/") {
		candidates = append(candidates, plumbing.ReferenceName(ref))
	}
	candidates = append(candidates, plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref))
	for _, name := range candidates {
		for _, r := range refs {
			if r.Name() == name {
				return r.Hash(), fetchInto(ctx, ep, st, 1, config.RefSpec("+"+name+":"+name))
			}
		}
	}
	if !commitHashRE.MatchString(ref) {
		return plumbing.ZeroHash, fmt.Errorf("%w: %s has no branch or tag %q, and it is not a full commit hash", repository.ErrRefNotFound, SafeURL(ep.URL), ref)
	}
	h := plumbing.NewHash(ref)
	for _, r := range refs {
		if r.Hash() == h {
			return h, fetchInto(ctx, ep, st, 1, config.RefSpec("+"+r.Name()+":"+r.Name()))
		}
	}
	if len(refs) == 0 {
		return plumbing.ZeroHash, fmt.Errorf("%w: %s has no branch or tag at all, so no commit %s", repository.ErrRefNotFound, SafeURL(ep.URL), ref)
	}
	return h, fetchInto(ctx, ep, st, 0, mirrorFetchSpecs...)
}

// fetchInto fetches specs into st, only the last depth commits of each when
// depth > 0.
func fetchInto(ctx context.Context, ep Endpoint, st *memory.Storage, depth int, specs ...config.RefSpec) error {
	remote := gogit.NewRemote(st, &config.RemoteConfig{Name: "origin", URLs: []string{ep.URL}})
	err := remote.FetchContext(ctx, &gogit.FetchOptions{
		RemoteName: "origin",
		RefSpecs:   specs,
		Depth:      depth,
		Auth:       authMethod(ep.Credentials),
		Tags:       gogit.NoTags,
	})
	if err != nil && !errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return classify(ep, "fetching", err)
	}
	return nil
}
