package render

import (
	"fmt"
	"path"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// validate checks every function of the package's pipeline: each function
// config must exist, then kpt's own checks (image or exec, image reference,
// config path inside the package) must pass.
func (r *renderer) validate(dir string, kf *kptfile.File) error {
	if kf.Pipeline == nil {
		return nil
	}
	for _, fn := range append(append([]kptfilev1.Function{}, kf.Pipeline.Mutators...), kf.Pipeline.Validators...) {
		if fn.Image == "" && fn.Exec == "" {
			continue // reported by kpt's checks below
		}
		if _, err := functionConfig(r.readFile, dir, fn); err != nil {
			return fmt.Errorf("package %q: %w", displayDir(dir), err)
		}
	}
	if err := kf.Validate(r.fsys, kptfilev1.UniquePath(fsPath(dir))); err != nil {
		return fmt.Errorf("package %q: %w", displayDir(dir), unprefix(err))
	}
	return nil
}

// kptfile reads the Kptfile of the package in dir strictly, as kpt does: an
// unknown field or an older schema is an error, not a silent no-op.
func (r *renderer) kptfile(dir string) (*kptfile.File, error) {
	content, _ := r.readFile(path.Join(dir, cad.KptfileName))
	dec := yaml.NewDecoder(strings.NewReader(content))
	dec.KnownFields(true)
	var kf kptfile.File
	if err := dec.Decode(&kf); err != nil {
		return nil, fmt.Errorf("Kptfile at %q can't be read: %w", displayDir(dir), err)
	}
	if kf.APIVersion != kptfilev1.KptFileAPIVersion || kf.Kind != kptfilev1.KptFileKind {
		return nil, fmt.Errorf("Kptfile at %q has an old or unknown version (%q, kind %q) of the Kptfile schema; %s is needed",
			displayDir(dir), kf.APIVersion, kf.Kind, kptfilev1.KptFileAPIVersion)
	}
	return &kf, nil
}
