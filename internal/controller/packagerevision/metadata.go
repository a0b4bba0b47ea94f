package packagerevision

import (
	"fmt"
	"maps"
	"slices"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// withMetadata writes the revision's packageMetadata (labels and
// annotations) and readinessGates into the package's Kptfile, as upstream
// does when it creates a revision: the Kptfile is where they travel with
// the package.
func withMetadata(files cad.Package, spec porchv1alpha1.PackageRevisionSpec) (cad.Package, error) {
	if spec.PackageMetadata == nil && len(spec.ReadinessGates) == 0 {
		return files, nil
	}
	content, ok := files[cad.KptfileName]
	if !ok {
		return nil, fmt.Errorf("the package has no Kptfile to record spec.packageMetadata and spec.readinessGates in")
	}
	updated, err := kptfile.Update(content, func(kf *kptfile.File) {
		if m := spec.PackageMetadata; m != nil {
			kf.Labels = merged(kf.Labels, m.Labels)
			kf.Annotations = merged(kf.Annotations, m.Annotations)
		}
		for _, gate := range spec.ReadinessGates {
			if kf.Info == nil {
				kf.Info = &kptfilev1.PackageInfo{}
			}
			if !slices.ContainsFunc(kf.Info.ReadinessGates, func(g kptfilev1.ReadinessGate) bool { return g.ConditionType == gate.ConditionType }) {
				kf.Info.ReadinessGates = append(kf.Info.ReadinessGates, kptfilev1.ReadinessGate{ConditionType: gate.ConditionType})
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("Kptfile: %w", err)
	}
	out := maps.Clone(files)
	out[cad.KptfileName] = updated
	return out, nil
}

func merged(into, from map[string]string) map[string]string {
	if len(from) == 0 {
		return into
	}
	if into == nil {
		into = map[string]string{}
	}
	for k, v := range from {
		into[k] = v
	}
	return into
}

// gatesOf lists the readiness gates of the package's Kptfile; none when it
// has none or does not parse (the render reports that).
func gatesOf(files cad.Package) []porchv1alpha1.ReadinessGate {
	kf, err := kptfile.Read(files[cad.KptfileName])
	if err != nil {
		return nil
	}
	return kptfile.ReadinessGates(kf)
}

// withPackageConditions writes the revision's package conditions into the
// status of the package's Kptfile. No conditions leave the Kptfile as it
// is, as upstream does; so does a Kptfile that does not parse, which the
// render reports.
func withPackageConditions(files cad.Package, conditions []porchv1alpha1.PackageCondition) cad.Package {
	content, ok := files[cad.KptfileName]
	if len(conditions) == 0 || !ok {
		return files
	}
	if kf, err := kptfile.Read(content); err != nil || kptfile.HasPackageConditions(kf, conditions) {
		return files
	}
	updated, err := kptfile.Update(content, func(kf *kptfile.File) { kptfile.SetPackageConditions(kf, conditions) })
	if err != nil {
		return files
	}
	out := maps.Clone(files)
	out[cad.KptfileName] = updated
	return out
}
