package git

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/failpoint"
)

// branchAttempts bounds how often a write on the registered branch (Publish,
// DeletePackage) is built again from fresh refs after losing a race.
const branchAttempts = 5

// WriterOptions say where a Writer writes packages and as whom.
type WriterOptions struct {
	// Branch is the registered branch, e.g. "main".
	Branch string
	// Directory is the repository's spec.git.directory; slashes around it
	// are ignored.
	Directory string
	// Author signs the commits; DefaultSignature when empty. A name or an
	// email alone serves as both.
	Author Signature
	// PushTimeout bounds each push, whatever time the caller's context
	// leaves: a remote that stops answering mid-push fails the write then.
	// Zero leaves the caller's context alone.
	PushTimeout time.Duration
}

// Writer performs the authoring operations on one repository in upstream
// Porch's layout. Each operation is one push whose ref updates are all
// compare-and-swaps on the values the caller (or the mirror) last saw, and
// atomic when there are several: it wins whole or changes nothing. A lost
// race returns an error matching backend.ErrConflict, after which the
// caller fetches, re-reads and decides again.
//
// Objects are built in memory over the mirror's store, with no working
// tree; after a successful push the mirror gets the objects and the new ref
// values, so that a following Discover sees the write without a fetch.
//
// A Writer is safe for concurrent use: its operations take the mirror's
// lock, so writes through one mirror (and its Fetch and Discover) run one
// at a time. Writers on different mirrors of one remote, in one process or
// several, are kept apart by the compare-and-swap alone.
type Writer struct {
	m           *Mirror
	branch      plumbing.ReferenceName
	dir         string
	author      Signature
	pushTimeout time.Duration
}

// NewWriter returns a Writer that writes through m.
func NewWriter(m *Mirror, opts WriterOptions) (*Writer, error) {
	branch := plumbing.NewBranchReferenceName(opts.Branch)
	if opts.Branch == "" || branch.Validate() != nil {
		return nil, fmt.Errorf("%w: %q is not a valid branch name", backend.ErrInvalidPackage, opts.Branch)
	}
	dir := normaliseDirectory(opts.Directory)
	if err := checkDirectory(dir); err != nil {
		return nil, err
	}
	author := opts.Author
	switch {
	case author.Name == "" && author.Email == "":
		author = DefaultSignature
	case author.Name == "":
		author.Name = author.Email
	case author.Email == "":
		author.Email = author.Name
	}
	return &Writer{m: m, branch: branch, dir: dir, author: author, pushTimeout: opts.PushTimeout}, nil
}

// repoPath checks a package path relative to the directory and returns
// its path in the repository.
func (w *Writer) repoPath(pkg string) (string, error) {
	if err := checkPackagePath(pkg); err != nil {
		return "", fmt.Errorf("%w: package %q: %v", backend.ErrInvalidPackage, pkg, err)
	}
	return joinPath(w.dir, pkg), nil
}

// writeTx is one write being built: objects over the mirror's store, and
// the ref updates the push will make.
type writeTx struct {
	st      mirrorStore
	objs    *overlay
	o       *objects
	author  Signature
	updates []refUpdate
}

// ref is the mirror's value of a ref; zero when it has none.
func (tx *writeTx) ref(name plumbing.ReferenceName) (plumbing.Hash, error) {
	ref, err := tx.st.Reference(name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s in the mirror: %w", name.Short(), err)
	}
	return ref.Hash(), nil
}

func (tx *writeTx) update(name plumbing.ReferenceName, old, new plumbing.Hash) {
	tx.updates = append(tx.updates, refUpdate{name: name, old: old, new: new})
}

// commitOf reads a commit the write builds on, which the mirror must hold.
func (tx *writeTx) commitOf(h plumbing.Hash) (*object.Commit, error) {
	c, err := tx.o.commit(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("%w: commit %s is not in the mirror; fetch and read the repository again", backend.ErrConflict, h)
	}
	return c, err
}

// commit stores a commit of tree with the given parents.
func (tx *writeTx) commit(tree plumbing.Hash, message string, parents ...plumbing.Hash) (plumbing.Hash, error) {
	sig := object.Signature{Name: tx.author.Name, Email: tx.author.Email, When: time.Now()}
	return store(tx.objs, &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: tree, ParentHashes: parents})
}

// do builds one write and pushes it; build adding no update means there is
// nothing to write. The caller holds the mirror's lock.
func (w *Writer) do(ctx context.Context, build func(*writeTx) error) error {
	st, err := w.m.storage()
	if err != nil {
		return err
	}
	defer st.Close()
	tx := &writeTx{st: st, objs: newOverlay(st), author: w.author}
	tx.o = newObjects(tx.objs)
	if err := build(tx); err != nil || len(tx.updates) == 0 {
		return err
	}
	if err := failpoint.Inject(ctx, failpoint.BeforePush); err != nil {
		return err
	}
	if err := w.push(ctx, tx); err != nil {
		return err
	}
	if err := failpoint.Inject(ctx, failpoint.AfterPush); err != nil {
		return err
	}
	if err := applyLocally(st, tx.objs, tx.updates); err != nil {
		return fmt.Errorf("the write reached %s but the mirror could not record it, so fetch before reading: %w",
			SafeURL(w.m.ep.URL), err)
	}
	return nil
}

// push sends the write's objects and ref updates, within the push timeout.
func (w *Writer) push(ctx context.Context, tx *writeTx) error {
	if w.pushTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.pushTimeout)
		defer cancel()
	}
	return push(ctx, w.m.ep, tx.objs, tx.updates)
}

// locked runs a single-attempt write under the mirror's lock.
func (w *Writer) locked(ctx context.Context, build func(*writeTx) error) error {
	if err := w.m.lock(); err != nil {
		return err
	}
	defer w.m.mu.Unlock()
	return w.do(ctx, build)
}

// final marks a conflict that fetching cannot cure, such as a caller's
// expectation that no longer holds: retrying ends with it.
type final struct{ err error }

func (f final) Error() string { return f.err.Error() }
func (f final) Unwrap() error { return f.err }

// retrying runs a write built from the registered branch's current state.
// When it loses a race (ErrConflict), the mirror is fetched and the write
// built again from the new state, at most branchAttempts times in all.
func (w *Writer) retrying(ctx context.Context, build func(*writeTx) error) error {
	if err := w.m.lock(); err != nil {
		return err
	}
	defer w.m.mu.Unlock()
	for attempt := 1; ; attempt++ {
		err := w.do(ctx, build)
		var stop final
		if errors.As(err, &stop) {
			return stop.err
		}
		if !errors.Is(err, backend.ErrConflict) {
			return err
		}
		if attempt == branchAttempts {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		if err := w.m.fetch(ctx); err != nil {
			return err
		}
	}
}
