package upgrade

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/filters"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// matcher matches resources by group, kind, namespace and name, and by file.
// Namespace and name come from the merge comment when there is one, so that a
// resource renamed locally still matches its upstream.
//
// Merge3 compares every resource with every group found so far, so each
// resource's identity is worked out once and remembered: without that, an
// upgrade spends most of its time reading the same metadata again.
type matcher struct {
	ids map[*yaml.RNode]knownID
}

type knownID struct {
	id resourceID
	ok bool
}

var _ filters.ResourceMatcher = &matcher{}

func newMatcher() *matcher { return &matcher{ids: map[*yaml.RNode]knownID{}} }

func (m *matcher) IsSameResource(a, b *yaml.RNode) bool {
	ida, idb := m.identity(a), m.identity(b)
	return ida.ok && idb.ok && ida.id == idb.id
}

func (m *matcher) identity(node *yaml.RNode) knownID {
	if known, ok := m.ids[node]; ok {
		return known
	}
	id, ok := identity(node)
	m.ids[node] = knownID{id: id, ok: ok}
	return m.ids[node]
}

type resourceID struct {
	group, kind, namespace, name, path string
}

func identity(node *yaml.RNode) (resourceID, bool) {
	if node == nil {
		return resourceID{}, false
	}
	if err := kioutil.CopyLegacyAnnotations(node); err != nil {
		return resourceID{}, false
	}
	meta, err := node.GetMeta()
	if err != nil {
		return resourceID{}, false
	}
	group, _ := resid.ParseGroupVersion(meta.APIVersion)
	id := resourceID{group: group, kind: meta.Kind, namespace: meta.Namespace, name: meta.Name,
		path: meta.Annotations[kioutil.PathAnnotation]}
	if field := node.Field(yaml.MetadataField); field != nil {
		comment := strings.TrimSpace(strings.TrimPrefix(field.Key.YNode().LineComment, "#"))
		if rest, ok := strings.CutPrefix(comment, cad.MergeCommentPrefix); ok {
			if ns, name, ok := strings.Cut(strings.TrimSpace(rest), "/"); ok {
				id.namespace, id.name = ns, name
			}
		}
	}
	return id, true
}

// handler decides what happens to a resource missing from some version, as
// kpt does: a resource deleted upstream is deleted locally only if the local
// copy was not changed.
type handler struct{}

var _ filters.ResourceHandler = handler{}

func (handler) Handle(origin, updated, local *yaml.RNode) (filters.ResourceMergeStrategy, error) {
	switch {
	case origin == nil && updated == nil && local != nil:
		return filters.KeepDest, nil
	case origin == nil && updated != nil && local == nil:
		return filters.KeepUpdated, nil
	case updated == nil && local == nil:
		return filters.Skip, nil
	case origin != nil && updated == nil:
		same, err := sameContent(origin, local)
		if err != nil || same {
			return filters.Skip, err
		}
		return filters.KeepDest, nil
	case origin != nil && local == nil:
		return filters.Skip, nil
	}
	return filters.Merge, nil
}

// bookkeeping lists the annotations readers add, left out of comparisons.
var bookkeeping = []string{mergeSourceAnnotation, kioutil.PathAnnotation, kioutil.IndexAnnotation,
	kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, kioutil.SeqIndentAnnotation, //nolint:staticcheck
	kioutil.InternalAnnotationsMigrationResourceIDAnnotation}

// sameContent compares two resources as text without the bookkeeping
// annotations, so that a local change to a comment counts as a change, as in
// kpt.
func sameContent(a, b *yaml.RNode) (bool, error) {
	var texts [2]string
	for i, node := range []*yaml.RNode{a, b} {
		c := node.Copy()
		for _, key := range bookkeeping {
			if err := c.PipeE(yaml.ClearAnnotation(key)); err != nil {
				return false, err
			}
		}
		text, err := c.String()
		if err != nil {
			return false, err
		}
		texts[i] = text
	}
	return texts[0] == texts[1], nil
}
