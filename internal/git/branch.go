package git

import (
	"context"
	"fmt"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Signature is who the system commits as.
type Signature struct {
	Name  string
	Email string
}

// DefaultSignature is used when a Repository names no author.
var DefaultSignature = Signature{Name: "Porch", Email: "porch@kpt.dev"}

// CreateBranch pushes a new branch whose only commit adds a README. The push
// is not forced: if someone created the branch meanwhile, it fails and
// nothing is overwritten.
func CreateBranch(ctx context.Context, ep Endpoint, branch string, author Signature, readme string) (plumbing.Hash, error) {
	if err := checkURL(ep.URL); err != nil {
		return plumbing.ZeroHash, err
	}
	st := memory.NewStorage()
	commit, err := initialCommit(st, author, readme)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ref := plumbing.NewBranchReferenceName(branch)
	if err := st.SetReference(plumbing.NewHashReference(ref, commit)); err != nil {
		return plumbing.ZeroHash, err
	}
	remote := gogit.NewRemote(st, &config.RemoteConfig{Name: "origin", URLs: []string{ep.URL}})
	err = remote.PushContext(ctx, &gogit.PushOptions{
		RemoteName: "origin",
		RefSpecs:   []config.RefSpec{config.RefSpec(fmt.Sprintf("%s:%s", ref, ref))},
		Auth:       authMethod(ep.Credentials),
	})
	if err != nil {
		return plumbing.ZeroHash, classify(ep, fmt.Sprintf("creating branch %q in", branch), err)
	}
	return commit, nil
}

// initialCommit writes a root commit holding README.md and returns its hash.
func initialCommit(st storage.Storer, author Signature, readme string) (plumbing.Hash, error) {
	blobHash, err := storeBlob(st, readme)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	treeHash, err := storeTree(st, []object.TreeEntry{{Name: "README.md", Mode: filemode.Regular, Hash: blobHash}})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := object.Signature{Name: author.Name, Email: author.Email, When: time.Now()}
	return store(st, &object.Commit{Author: sig, Committer: sig, Message: "Initial commit\n", TreeHash: treeHash})
}
