package git

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// ListRemoteRefs lists the remote's branches, tags and revision marks (see
// revisionMark) in one round trip,
// without fetching any object. An empty remote returns (nil, nil). Failures
// are classified like ResolveBranch's.
func ListRemoteRefs(ctx context.Context, ep Endpoint) ([]*plumbing.Reference, error) {
	refs, err := listRefs(ctx, ep)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return layoutRefs(refs), nil
}

// RefsHash is a stable hex sha256 of a ref set. Only branches, tags and
// revision marks that are hash references count, so HEAD, symbolic refs and peeled "^{}" entries
// (which some servers advertise and others do not) cannot make two listings
// of the same state differ.
func RefsHash(refs []*plumbing.Reference) string {
	kept := layoutRefs(refs)
	h := sha256.New()
	for _, ref := range kept {
		_, _ = h.Write([]byte(ref.Name().String() + " " + ref.Hash().String() + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// layoutRefs keeps the hash references a mirror holds: refs/heads/*,
// refs/tags/* and the revision marks, sorted by name; the input is not
// modified.
func layoutRefs(refs []*plumbing.Reference) []*plumbing.Reference {
	var kept []*plumbing.Reference
	for _, ref := range refs {
		if ref == nil || !isLayoutRef(ref) {
			continue
		}
		kept = append(kept, ref)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name() < kept[j].Name() })
	return kept
}

func isLayoutRef(ref *plumbing.Reference) bool {
	name := ref.Name()
	return ref.Type() == plumbing.HashReference &&
		(name.IsBranch() || name.IsTag() || strings.HasPrefix(name.String(), revisionMarksPrefix)) &&
		!strings.HasSuffix(name.String(), "^{}")
}
