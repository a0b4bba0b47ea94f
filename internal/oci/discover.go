package oci

import (
	"bytes"
	"context"
	"errors"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/backend"
)

// Revision is one package revision as a registry holds it: the tag a
// listing found, and what its image holds.
type Revision struct {
	Entry
	// Content is the image's package; its Files are nil when TooLarge.
	Content Package
	// Layer identifies the files: revisions with the same Layer hold the
	// same files.
	Layer v1.Hash
	// Size is the sum of the file sizes; 0 when TooLarge.
	Size int64
	// TooLarge says the files add up to more than the Store's
	// MaxPackageBytes; the revision is known from its manifest alone.
	TooLarge bool
}

// Cache remembers what the images of a registry path hold, by manifest
// digest, so that a sync pulls only the images of tags that moved. It is
// safe for concurrent use.
type Cache struct {
	mu       sync.Mutex
	byDigest map[v1.Hash]Revision
	// problems say why an entry's image is not a package: an image is
	// named by its digest, so it never becomes one.
	problems map[Entry]string
}

// NewCache is an empty Cache.
func NewCache() *Cache { return &Cache{byDigest: map[v1.Hash]Revision{}, problems: map[Entry]string{}} }

// get is what the cache knows of e: its revision, or why it is none.
func (c *Cache) get(e Entry) (rev Revision, problem string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if problem, ok := c.problems[e]; ok {
		return Revision{}, problem, true
	}
	rev, ok = c.byDigest[e.Digest]
	rev.Entry = e
	return rev, "", ok
}

func (c *Cache) put(rev Revision) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byDigest[rev.Digest] = rev
}

func (c *Cache) refuse(e Entry, problem string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems[e] = problem
}

// retain forgets every image but those of the listing, so that the cache
// holds no more than the registry path does.
func (c *Cache) retain(l Listing) {
	keep := make(map[v1.Hash]bool, len(l))
	listed := make(map[Entry]bool, len(l))
	for _, e := range l {
		keep[e.Digest], listed[e] = true, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for digest := range c.byDigest {
		if !keep[digest] {
			delete(c.byDigest, digest)
		}
	}
	for e := range c.problems {
		if !listed[e] {
			delete(c.problems, e)
		}
	}
}

// Discover reads the revisions of a listing, each image by the digest the
// listing found (so that a tag moved since is read as listed, and the next
// listing shows the move), with at most workers images read at once, and
// from cache those read before. An image that is not a package is left
// out, with the reason in skipped, in the listing's order (and is not
// read again while its tag stays: a digest names one content); any other
// failure is returned, and nothing should be decided from a partial read.
// The cache keeps only the listing's images afterwards.
func (s *Store) Discover(ctx context.Context, l Listing, cache *Cache, workers int) (revs []Revision, skipped []string, err error) {
	read := make([]*Revision, len(l))
	problems := make([]string, len(l))
	err = forEach(ctx, len(l), workers, func(ctx context.Context, i int) error {
		if rev, problem, ok := cache.get(l[i]); ok {
			if problem != "" {
				problems[i] = problem
			} else {
				read[i] = &rev
			}
			return nil
		}
		rev, err := s.readRevision(ctx, l[i])
		switch {
		case errors.Is(err, backend.ErrInvalidPackage):
			problems[i] = err.Error()
			cache.refuse(l[i], problems[i])
			return nil
		case err != nil:
			return err
		}
		cache.put(rev)
		read[i] = &rev
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for i := range l {
		if read[i] != nil {
			revs = append(revs, *read[i])
		}
		if problems[i] != "" {
			skipped = append(skipped, problems[i])
		}
	}
	cache.retain(l)
	return revs, skipped, nil
}

// readRevision pulls the image of e by its digest and reads its package
// within the Store's content limit; over it, the revision is what its
// manifest says, without files.
func (s *Store) readRevision(ctx context.Context, e Entry) (Revision, error) {
	repo, err := s.repository(e.Package)
	if err != nil {
		return Revision{}, err
	}
	ref := repo.Digest(e.Digest.String())
	named := repo.Tag(e.Tag).String() // what users know the image as
	desc, err := remote.Get(ref, s.options(ctx)...)
	if err != nil {
		return Revision{}, s.fail("image "+named, err)
	}
	if !desc.MediaType.IsImage() {
		return Revision{}, invalidImage(named, "is a %s, not an image manifest", desc.MediaType)
	}
	m, err := v1.ParseManifest(bytes.NewReader(desc.Manifest))
	if err != nil {
		return Revision{}, invalidImage(named, "has a manifest that does not parse")
	}
	img, err := desc.Image()
	if err != nil {
		return Revision{}, s.fail("image "+named, err)
	}
	rev := Revision{Entry: e}
	if len(m.Layers) == 1 {
		rev.Layer = m.Layers[0].Digest
	}
	p, err := ReadImage(named, img, s.maxBytes)
	switch {
	case errors.Is(err, backend.ErrSourceTooLarge):
		md, err := parseMetadata(named, e.Digest, m)
		if err != nil {
			return Revision{}, err
		}
		rev.Content = Package{Lifecycle: md.Lifecycle, Revision: md.Revision, Created: md.Created, Source: md.Source}
		rev.TooLarge = true
		return rev, nil
	case errors.Is(err, backend.ErrInvalidPackage):
		return Revision{}, err
	case err != nil:
		return Revision{}, s.fail("image "+named, err)
	}
	rev.Content = p
	for _, content := range p.Files {
		rev.Size += int64(len(content))
	}
	return rev, nil
}
