package oci

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

// Media types of what Porch writes. They are OCI's, not Docker's: a
// revision's lifecycle and number live in manifest annotations, which only
// the OCI image manifest defines (Docker's schema 2 has no such field, and
// a registry that validates it may drop or refuse them). Reading takes
// both, so that images upstream Porch wrote with go-containerregistry's
// defaults (Docker types, via mutate on empty.Image) stay readable.
const (
	manifestMediaType = types.OCIManifestSchema1
	configMediaType   = types.OCIConfigJSON
	layerMediaType    = types.OCILayer
)

// Manifest annotations of a package revision. The kpt.dev keys are
// upstream Porch's; the others are OCI's pre-defined keys, so that generic
// registry tools show when, from where and as which number a revision was
// published.
const (
	AnnotationLifecycle     = "kpt.dev/lifecycle"
	AnnotationRevision      = "kpt.dev/revision"
	AnnotationCreated       = ocispec.AnnotationCreated
	AnnotationSource        = ocispec.AnnotationSource
	AnnotationImageRevision = ocispec.AnnotationRevision
)

const (
	// LatestTag is never a workspace: tools push and pull it by default, so
	// a package's "latest" may be anyone's, and the index image uses it.
	LatestTag = "latest"
	// IndexRepository is the image repository, under the registry path, of
	// the index of packages (see index.go); it is never a package.
	IndexRepository = "porch-index"
	// KptfileName is the file every package holds at its root.
	KptfileName = "Kptfile"
)

// taskPrefix marks a config history entry that records a task, as upstream
// Porch writes it: "kpt:" followed by the task as JSON.
const taskPrefix = "kpt:"

// Package is what one package revision holds, as BuildImage writes it and
// ReadImage reads it back.
type Package struct {
	// Files maps paths relative to the package root to their content.
	Files map[string]string
	// Lifecycle is Draft, Proposed, Published or DeletionProposed; Draft
	// when empty, as upstream Porch reads an image without the annotation.
	Lifecycle porchv1alpha1.PackageRevisionLifecycle
	// Revision is the number given at publication; 0 unless published.
	Revision int
	// Tasks are the operations that made the revision, oldest first.
	Tasks []porchv1alpha1.Task
	// Created is when the revision was made; stored to the second, in UTC,
	// so that the same content and time give the same digest.
	Created time.Time
	// Source is free text saying where the revision lives, such as the
	// Repository's address; omitted when empty.
	Source string
}

// Metadata is what a revision's manifest says about it, known without
// pulling its layer.
type Metadata struct {
	Digest    v1.Hash
	Lifecycle porchv1alpha1.PackageRevisionLifecycle
	Revision  int
	Created   time.Time
	Source    string
}

// annotations are the manifest annotations of p, which validate accepted.
func (p Package) annotations() map[string]string {
	a := map[string]string{AnnotationLifecycle: string(p.lifecycle())}
	if p.Revision > 0 {
		a[AnnotationRevision] = strconv.Itoa(p.Revision)
		a[AnnotationImageRevision] = strconv.Itoa(p.Revision)
	}
	if created := p.created(); !created.IsZero() {
		a[AnnotationCreated] = created.Format(time.RFC3339)
	}
	if p.Source != "" {
		a[AnnotationSource] = p.Source
	}
	return a
}

func (p Package) lifecycle() porchv1alpha1.PackageRevisionLifecycle {
	if p.Lifecycle == "" {
		return porchv1alpha1.PackageRevisionLifecycleDraft
	}
	return p.Lifecycle
}

func (p Package) created() time.Time {
	if p.Created.IsZero() {
		return time.Time{}
	}
	return p.Created.UTC().Truncate(time.Second)
}

// validate refuses what ReadImage would refuse, so that Porch never writes
// a revision it cannot read back.
func (p Package) validate() error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", backend.ErrInvalidPackage, fmt.Sprintf(format, args...))
	}
	if !knownLifecycle(p.lifecycle()) {
		return invalid("lifecycle %q is not one of Draft, Proposed, Published, DeletionProposed", p.Lifecycle)
	}
	switch published := p.lifecycle().IsPublished(); {
	case published && p.Revision <= 0:
		return invalid("a %s revision needs a revision number above 0, not %d", p.lifecycle(), p.Revision)
	case !published && p.Revision != 0:
		return invalid("a %s revision has no revision number yet, not %d", p.lifecycle(), p.Revision)
	}
	if _, ok := p.Files[KptfileName]; !ok {
		return invalid("the package has no %s at its root", KptfileName)
	}
	for name, content := range p.Files {
		if reason := pathProblem(name); reason != "" {
			return invalid("%s", reason)
		}
		if !utf8.ValidString(content) {
			return invalid("file %q is not UTF-8 text", name)
		}
	}
	return nil
}

func knownLifecycle(l porchv1alpha1.PackageRevisionLifecycle) bool {
	switch l {
	case porchv1alpha1.PackageRevisionLifecycleDraft, porchv1alpha1.PackageRevisionLifecycleProposed,
		porchv1alpha1.PackageRevisionLifecyclePublished, porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		return true
	}
	return false
}

// pathProblem says why name cannot be a file of a package, or "" if it can:
// it must be relative, clean and inside the package, so that joining it to
// a folder can never leave that folder.
func pathProblem(name string) string {
	cleaned := path.Clean(name)
	switch {
	case name == "" || name == ".":
		return fmt.Sprintf("path %q names no file", name)
	case strings.HasPrefix(name, "/"):
		return fmt.Sprintf("path %q is absolute", name)
	case cleaned == ".." || strings.HasPrefix(cleaned, "../"):
		return fmt.Sprintf("path %q escapes the package root", name)
	case cleaned != name:
		return fmt.Sprintf("path %q is not clean (%q)", name, cleaned)
	case !utf8.ValidString(name) || strings.ContainsRune(name, 0):
		return fmt.Sprintf("path %q is not UTF-8 text", name)
	}
	return ""
}

// parseMetadata reads a revision's manifest. Each key is looked up in the
// manifest's annotations, then in its last layer's: upstream Porch wrote
// them on the layer descriptor while reading them from the manifest.
func parseMetadata(ref string, digest v1.Hash, m *v1.Manifest) (Metadata, error) {
	get := func(key string) string {
		if v, ok := m.Annotations[key]; ok {
			return v
		}
		if len(m.Layers) > 0 {
			return m.Layers[len(m.Layers)-1].Annotations[key]
		}
		return ""
	}
	md := Metadata{Digest: digest, Source: get(AnnotationSource)}
	md.Lifecycle = porchv1alpha1.PackageRevisionLifecycle(get(AnnotationLifecycle))
	if md.Lifecycle == "" {
		md.Lifecycle = porchv1alpha1.PackageRevisionLifecycleDraft
	}
	if !knownLifecycle(md.Lifecycle) {
		return Metadata{}, invalidImage(ref, "annotation %s is %q, not one of Draft, Proposed, Published, DeletionProposed",
			AnnotationLifecycle, md.Lifecycle)
	}
	if rev := get(AnnotationRevision); rev != "" {
		// Older upstream Porch wrote "v1", "v2"; the number is what counts.
		n, err := strconv.Atoi(strings.TrimPrefix(rev, "v"))
		if err != nil || n <= 0 {
			return Metadata{}, invalidImage(ref, "annotation %s is %q, not a number above 0", AnnotationRevision, rev)
		}
		md.Revision = n
	}
	// The creation time is informational: one that does not parse is left out
	// rather than making the revision unreadable.
	if t, err := time.Parse(time.RFC3339, get(AnnotationCreated)); err == nil {
		md.Created = t.UTC()
	}
	return md, nil
}

// invalidImage reports an image that is not a package Porch can read.
func invalidImage(ref, format string, args ...any) error {
	return fmt.Errorf("%w: image %s %s", backend.ErrInvalidPackage, ref, fmt.Sprintf(format, args...))
}

// tooLarge reports an image that would take more than a limit to read.
func tooLarge(ref, format string, args ...any) error {
	return fmt.Errorf("%w: image %s %s", backend.ErrSourceTooLarge, ref, fmt.Sprintf(format, args...))
}

// digestText names a digest in a message; the zero Hash is an absent tag.
func digestText(h v1.Hash) string {
	if h == (v1.Hash{}) {
		return "absent"
	}
	return h.String()
}
