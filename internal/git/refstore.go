package git

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// packedRefsFile is where git keeps refs packed into one file.
const packedRefsFile = "packed-refs"

// refTable is a mirror's refs as held in memory: the disk holds them as
// loose files, one per ref, which are written and removed one at a time
// and read only once per process.
//
// go-git's filesystem store reads the refs by walking the refs folder,
// and removes a packed ref by rewriting the whole packed-refs file a line
// at a time. With thousands of tags, every listing and every pruned ref
// then costs tens of milliseconds of system calls, which a mirror that
// lists its refs at each write and each sync pays over and over.
type refTable map[plumbing.ReferenceName]*plumbing.Reference

// hash is the hash a branch or tag points at; zero when absent.
func (t refTable) hash(name plumbing.ReferenceName) plumbing.Hash {
	if ref, ok := t[name]; ok && ref.Type() == plumbing.HashReference {
		return ref.Hash()
	}
	return plumbing.ZeroHash
}

// mirrorStore is a mirror's store while its lock is held: objects on disk,
// and refs from the Mirror's refTable, kept equal to the disk's by writing
// each change to both.
type mirrorStore struct {
	*filesystem.Storage
	refs refTable
}

var _ storer.ReferenceStorer = mirrorStore{}

// loadRefs reads the refs from disk into a refTable. Refs that an earlier
// version left packed are first written out as loose files, and the
// packed-refs file removed, so that removing one later is cheap.
func loadRefs(dir string, st *filesystem.Storage) (refTable, error) {
	iter, err := st.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("reading the mirror's refs: %w", err)
	}
	table := refTable{}
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		table[ref.Name()] = ref
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the mirror's refs: %w", err)
	}
	packed := filepath.Join(dir, packedRefsFile)
	if _, err := os.Stat(packed); errors.Is(err, os.ErrNotExist) {
		return table, nil
	}
	for _, ref := range table {
		if ref.Name() == plumbing.HEAD {
			continue
		}
		if err := st.SetReference(ref); err != nil {
			return nil, fmt.Errorf("unpacking the mirror's refs: %w", err)
		}
	}
	if err := os.Remove(packed); err != nil {
		return nil, fmt.Errorf("unpacking the mirror's refs: %w", err)
	}
	return table, nil
}

func (s mirrorStore) SetReference(ref *plumbing.Reference) error {
	if err := s.Storage.SetReference(ref); err != nil {
		return err
	}
	s.refs[ref.Name()] = ref
	return nil
}

// CheckAndSetReference sets ref when the table holds old (or old is nil).
// The caller holds the mirror's lock, so nothing else moves the ref between
// the check and the write.
func (s mirrorStore) CheckAndSetReference(ref, old *plumbing.Reference) error {
	if old != nil {
		have, ok := s.refs[old.Name()]
		if !ok || have.Hash() != old.Hash() || have.Target() != old.Target() {
			return storage.ErrReferenceHasChanged
		}
	}
	return s.SetReference(ref)
}

func (s mirrorStore) Reference(name plumbing.ReferenceName) (*plumbing.Reference, error) {
	ref, ok := s.refs[name]
	if !ok {
		return nil, plumbing.ErrReferenceNotFound
	}
	return ref, nil
}

func (s mirrorStore) IterReferences() (storer.ReferenceIter, error) {
	refs := make([]*plumbing.Reference, 0, len(s.refs))
	for _, ref := range s.refs {
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name() < refs[j].Name() })
	return storer.NewReferenceSliceIter(refs), nil
}

func (s mirrorStore) RemoveReference(name plumbing.ReferenceName) error {
	if err := s.Storage.RemoveReference(name); err != nil {
		return err
	}
	delete(s.refs, name)
	return nil
}

func (s mirrorStore) CountLooseRefs() (int, error) {
	return len(s.refs), nil
}

// PackRefs does nothing: the refs stay loose, see refTable.
func (s mirrorStore) PackRefs() error {
	return nil
}
