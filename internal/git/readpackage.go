package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/porch-dev/porch/internal/backend"
)

// commitHashRE is a full commit hash, as a clone's upstream ref may be.
var commitHashRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ReadOptions bound a ReadPackage.
type ReadOptions struct {
	// TempDir holds the folder each read fetches into, removed before the
	// read returns; the system's temporary folder when empty.
	TempDir string
	// MaxFetchBytes bounds what one read takes from the remote: the bytes
	// of its answers, counted as they arrive, the bytes written to disk,
	// and what the objects received unpack to (see checkPack). 0 means no
	// limit.
	MaxFetchBytes int64
	// MaxPackageBytes limits the sum of the package's file sizes; 0 means
	// no limit.
	MaxPackageBytes int64
}

// readObjectCache bounds the decoded objects a read keeps in memory: it
// reads a commit, the trees down to one folder and that folder's files.
const readObjectCache = 8 * cache.MiByte

// ReadPackage reads the package in folder directory of any git repository
// at ref, without a mirror: the objects are fetched into a folder of their
// own under opts.TempDir, which is removed afterwards. It serves clones
// from a git URL, whose upstream is usually not a registered repository.
//
// ref is a branch, a tag (tried in that order; "refs/..." names one
// exactly) or a full commit hash. A branch or tag, or a commit one of
// them points at, is fetched alone and without history. Any other commit
// is asked for alone too, which git serving smart HTTP allows for a commit
// in the history of a branch or tag; a server that refuses is asked for
// every branch and tag, with history, to find the commit there.
// directory is relative to the repository root; slashes around it are
// ignored, and "" or "/" is the root. The folder must hold a Kptfile.
//
// files maps paths relative to the folder to their content. Entries whose
// name could leave the folder, symlinks and submodules are left out, as
// discovery leaves them out. commit is the hash of the commit read, tags
// peeled.
//
// Errors wrap backend.ErrSourceTooLarge (the fetch passed
// opts.MaxFetchBytes and was stopped), ErrRefNotFound,
// ErrPackageNotFound, ErrInvalidPackage (a directory that is no folder
// path, or content over opts.MaxPackageBytes), or ErrAuthentication and
// ErrUnreachable, with credentials removed from the message.
func ReadPackage(ctx context.Context, ep Endpoint, ref, directory string, opts ReadOptions) (files map[string]string, commit string, err error) {
	dir := normaliseDirectory(directory)
	if err := checkDirectory(dir); err != nil {
		return nil, "", err
	}
	if opts.TempDir != "" {
		if err := os.MkdirAll(opts.TempDir, 0o755); err != nil {
			return nil, "", fmt.Errorf("creating the folder of clone fetches: %w", err)
		}
	}
	tmp, err := os.MkdirTemp(opts.TempDir, "clone-")
	if err != nil {
		return nil, "", fmt.Errorf("creating a folder to fetch into: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	src, err := openPackSource(ctx, ep, tmp, opts.MaxFetchBytes)
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = src.Close() }()
	st := filesystem.NewStorage(osfs.New(filepath.Join(tmp, "objects.git")), cache.NewObjectLRU(readObjectCache))
	defer func() { _ = st.Close() }()
	target, err := fetchRef(ctx, src, st, ref)
	if err != nil {
		return nil, "", err
	}
	o := newObjects(st)
	c, err := o.peel(target)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, "", fmt.Errorf("%w: %s has no commit %s on any branch or tag", backend.ErrRefNotFound, SafeURL(ep.URL), ref)
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
		return nil, "", fmt.Errorf("%w: there is no %s", backend.ErrPackageNotFound, where)
	case !hasKptfile(t):
		return nil, "", fmt.Errorf("%w: the %s has no %s, so it is not a package", backend.ErrPackageNotFound, where, kptfileName)
	}
	maxBytes := opts.MaxPackageBytes
	content, err := o.content(t, maxBytes)
	if err != nil {
		return nil, "", fmt.Errorf("reading the %s: %w", where, err)
	}
	if content.tooLarge {
		return nil, "", fmt.Errorf("%w: the package in the %s holds %d bytes, over the limit of %d",
			backend.ErrInvalidPackage, where, content.size, maxBytes)
	}
	return content.files, c.Hash.String(), nil
}

// fetchRef fetches into st what ref designates among the remote's branches
// and tags, and returns the hash ref stands for: the ref's (a tag object,
// maybe) or the commit's.
func fetchRef(ctx context.Context, src *packSource, st *filesystem.Storage, ref string) (plumbing.Hash, error) {
	var candidates []plumbing.ReferenceName
	if strings.HasPrefix(ref, "refs/") {
		candidates = append(candidates, plumbing.ReferenceName(ref))
	}
	candidates = append(candidates, plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref))
	for _, name := range candidates {
		for _, r := range src.refs {
			if r.Name() == name {
				return r.Hash(), src.fetch(ctx, st, 1, r.Hash())
			}
		}
	}
	url := SafeURL(src.ep.URL)
	if !commitHashRE.MatchString(ref) {
		return plumbing.ZeroHash, fmt.Errorf("%w: %s has no branch or tag %q, and it is not a full commit hash", backend.ErrRefNotFound, url, ref)
	}
	h := plumbing.NewHash(ref)
	for _, r := range src.refs {
		if r.Hash() == h {
			return h, src.fetch(ctx, st, 1, h)
		}
	}
	if len(src.refs) == 0 {
		return plumbing.ZeroHash, fmt.Errorf("%w: %s has no branch or tag at all, so no commit %s", backend.ErrRefNotFound, url, ref)
	}
	err := src.fetch(ctx, st, 1, h)
	if err == nil || errors.Is(err, backend.ErrSourceTooLarge) || ctx.Err() != nil {
		return h, err
	}
	// The server refused the commit alone, or has no such commit: look for
	// it in the history of every branch and tag, still within the limit.
	return h, src.fetch(ctx, st, 0, tips(src.refs)...)
}

// tips are the distinct hashes refs point at.
func tips(refs []*plumbing.Reference) []plumbing.Hash {
	var hashes []plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for _, r := range refs {
		if !seen[r.Hash()] {
			seen[r.Hash()] = true
			hashes = append(hashes, r.Hash())
		}
	}
	return hashes
}
