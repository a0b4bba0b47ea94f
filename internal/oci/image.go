package oci

import (
	"encoding/json"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// maxConfigBytes bounds the config blob a package image may declare: it
// holds the tasks, a few kilobytes, and go-containerregistry reads it whole.
const maxConfigBytes = 4 << 20

// emptyOCIImage is the base of every image Porch writes.
var emptyOCIImage = mutate.ConfigMediaType(mutate.MediaType(empty.Image, manifestMediaType), configMediaType)

// BuildImage makes the image of a package revision: one layer of its files
// (see buildLayer), its tasks in the config's history and its lifecycle,
// number, time and source in the manifest's annotations. Nothing else goes
// in, so that equal revisions give equal digests and a write of an
// unchanged revision is seen to change nothing.
func BuildImage(p Package) (v1.Image, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	layer, err := buildLayer(p.Files)
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(emptyOCIImage, layer)
	if err != nil {
		return nil, fmt.Errorf("adding the package layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the image config: %w", err)
	}
	cfg := cf.DeepCopy()
	cfg.Created = v1.Time{Time: p.created()}
	if cfg.History, err = taskHistory(p); err != nil {
		return nil, err
	}
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		return nil, fmt.Errorf("setting the image config: %w", err)
	}
	return mutate.Annotations(img, p.annotations()).(v1.Image), nil
}

// taskHistory records each task as upstream Porch does, "kpt:" and its
// JSON, one history entry per task. The image has one layer, made by all
// the tasks together: the last entry stands for it, the others are marked
// empty, as OCI asks of entries that made no layer.
func taskHistory(p Package) ([]v1.History, error) {
	var history []v1.History
	for i, task := range p.Tasks {
		b, err := json.Marshal(task)
		if err != nil {
			return nil, fmt.Errorf("encoding task %d (%s): %w", i, task.Type, err)
		}
		history = append(history, v1.History{
			Created:    v1.Time{Time: p.created()},
			CreatedBy:  taskPrefix + string(b),
			EmptyLayer: i < len(p.Tasks)-1,
		})
	}
	return history, nil
}

// ReadImage reads a package revision from img, named ref in messages, and
// refuses (with backend.ErrInvalidPackage) an image that is not a package:
// not exactly one layer, an entry that is not a regular file, a bad or
// repeated path, no Kptfile at the root, content that is not UTF-8, an
// unknown lifecycle or a revision that is not a number. With maxBytes above
// 0, files adding up to more stop the read (backend.ErrSourceTooLarge);
// the layer is streamed, never held whole. Other errors are the image's
// own (a registry's answer when img is remote), wrapped.
func ReadImage(ref string, img v1.Image, maxBytes int64) (Package, error) {
	m, err := img.Manifest()
	if err != nil {
		return Package{}, fmt.Errorf("image %s: reading the manifest: %w", ref, err)
	}
	if n := len(m.Layers); n != 1 {
		return Package{}, invalidImage(ref, "has %d layers; a package image has one", n)
	}
	md, err := parseMetadata(ref, v1.Hash{}, m)
	if err != nil {
		return Package{}, err
	}
	if m.Config.Size > maxConfigBytes {
		return Package{}, tooLarge(ref, "has a config of %d bytes, more than the %d a package's takes", m.Config.Size, maxConfigBytes)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return Package{}, fmt.Errorf("image %s: reading the config: %w", ref, err)
	}
	layers, err := img.Layers()
	if err != nil {
		return Package{}, fmt.Errorf("image %s: reading the layers: %w", ref, err)
	}
	files, err := readLayer(ref, layers[0], maxBytes)
	if err != nil {
		return Package{}, err
	}
	if _, ok := files[KptfileName]; !ok {
		return Package{}, invalidImage(ref, "has no %s at the package root", KptfileName)
	}
	p := Package{
		Files:     files,
		Lifecycle: md.Lifecycle,
		Revision:  md.Revision,
		Tasks:     tasksFrom(cfg.History),
		Created:   md.Created,
		Source:    md.Source,
	}
	if p.Created.IsZero() && !cfg.Created.IsZero() {
		p.Created = cfg.Created.UTC() // upstream Porch kept the time in the config only
	}
	return p, nil
}

// tasksFrom recovers the tasks of a config's history. Entries that are not
// Porch's, or whose JSON does not parse, are skipped, as upstream does:
// other tools may add history, and the tasks are a record, not the content.
func tasksFrom(history []v1.History) []porchv1alpha1.Task {
	var tasks []porchv1alpha1.Task
	for _, h := range history {
		encoded, ok := strings.CutPrefix(h.CreatedBy, taskPrefix)
		if !ok {
			continue
		}
		var task porchv1alpha1.Task
		if err := json.Unmarshal([]byte(encoded), &task); err != nil {
			continue
		}
		tasks = append(tasks, task)
	}
	return tasks
}
