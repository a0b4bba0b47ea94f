package upgrade

import (
	"fmt"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge3"

	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// syntheticNamePrefix marks function names added only for the merge.
const syntheticNamePrefix = "_kpt-merge_"

// mergeKptfile merges the three versions of a Kptfile as kpt does: info,
// labels, annotations, pipeline and inventory are merged three-way, functions
// matched by name (or by image or exec when no function has a name); the name
// stays local's; upstream and upstreamLock come from updated when it has them.
// An absent version is given as "".
func mergeKptfile(origin, updated, local string) (string, error) {
	var kfs [3]*kptfile.File
	for i, content := range []string{origin, updated, local} {
		kf := &kptfile.File{}
		if content != "" {
			var err error
			if kf, err = kptfile.Read(content); err != nil {
				return "", fmt.Errorf("%s: %w", []string{"old upstream", "new upstream", "local"}[i], err)
			}
		}
		kfs[i] = kf
	}
	o, u, l := kfs[0], kfs[1], kfs[2]
	synthetic := canNameByImage(o, u, l)
	if synthetic {
		for _, kf := range kfs {
			nameFunctions(kf)
		}
	}
	var docs [3]string
	for i, kf := range []*kptfile.File{l, o, u} {
		b, err := yaml.Marshal(kf)
		if err != nil {
			return "", fmt.Errorf("%s: %w", kptfile.Name, err)
		}
		docs[i] = string(b)
	}
	merged, err := merge3.MergeStrings(docs[0], docs[1], docs[2], true)
	if err != nil {
		return "", fmt.Errorf("merging %s: %w", kptfile.Name, err)
	}
	m := &kptfile.File{}
	if err := yaml.Unmarshal([]byte(merged), m); err != nil {
		return "", fmt.Errorf("merging %s: %w", kptfile.Name, err)
	}
	if synthetic {
		for _, kf := range []*kptfile.File{l, m} {
			unnameFunctions(kf)
		}
	}
	l.Annotations, l.Labels, l.Info, l.Pipeline, l.Inventory = m.Annotations, m.Labels, m.Info, m.Pipeline, m.Inventory
	if u.Upstream != nil {
		l.Upstream = u.Upstream
	}
	if u.UpstreamLock != nil {
		l.UpstreamLock = u.UpstreamLock
	}
	if l.APIVersion == "" {
		l.ResourceMeta.TypeMeta = kptfilev1.TypeMeta.TypeMeta
	}
	return kptfile.Marshal(l)
}

// canNameByImage tells whether functions can be matched by image or exec:
// only when no function has a name and no list has the same function twice.
func canNameByImage(kfs ...*kptfile.File) bool {
	for _, kf := range kfs {
		if kf.Pipeline == nil {
			continue
		}
		for _, fns := range [][]kptfilev1.Function{kf.Pipeline.Mutators, kf.Pipeline.Validators} {
			seen := map[string]bool{}
			for _, fn := range fns {
				if fn.Name != "" || seen[functionKey(fn)] {
					return false
				}
				seen[functionKey(fn)] = true
			}
		}
	}
	return true
}

func functionKey(fn kptfilev1.Function) string {
	if fn.Exec != "" {
		return fn.Exec
	}
	return strings.Split(fn.Image, ":")[0]
}

func nameFunctions(kf *kptfile.File) {
	if kf.Pipeline == nil {
		return
	}
	for _, fns := range [][]kptfilev1.Function{kf.Pipeline.Mutators, kf.Pipeline.Validators} {
		for i := range fns {
			fns[i].Name = syntheticNamePrefix + functionKey(fns[i])
		}
	}
}

func unnameFunctions(kf *kptfile.File) {
	if kf.Pipeline == nil {
		return
	}
	for _, fns := range [][]kptfilev1.Function{kf.Pipeline.Mutators, kf.Pipeline.Validators} {
		for i := range fns {
			if strings.HasPrefix(fns[i].Name, syntheticNamePrefix) {
				fns[i].Name = ""
			}
		}
	}
}
