package builtin

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/api/filters/fieldspec"
	"sigs.k8s.io/kustomize/api/hasher"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// nameSubstring is ensure-name-substring's configuration.
type nameSubstring struct {
	substring string
	prepend   bool
	// fields are metadata/name, then the additional name fields.
	fields types.FsSlice
}

// renaming is one resource's new name, for the depends-on annotations
// naming it by its old one.
type renaming struct {
	group, kind, namespace, from, to string
}

// keepNames are the kinds the catalog documents it leaves alone: the CRD
// and APIService, whose names their group and version decide, namespaces,
// and the package's own Kptfile.
var keepNames = []resid.Gvk{
	ofKind("CustomResourceDefinition"),
	{Group: "apiregistration.k8s.io", Kind: "APIService"},
	ofKind("Namespace"),
	{Group: "kpt.dev", Kind: "Kptfile"},
}

// ensureNameSubstring is the catalog's ensure-name-substring: it prepends
// or appends the substring to each name that does not contain it yet, and
// to the fields that refer to the renamed resources. With followDependsOn,
// as in the v0.2 line, depends-on annotations follow the renames too.
func ensureNameSubstring(followDependsOn bool) framework.ResourceListProcessorFunc {
	return func(rl *framework.ResourceList) error {
		c, err := nameSubstringConfig(rl.FunctionConfig)
		if err == nil {
			err = c.run(rl, followDependsOn)
		}
		if err != nil {
			return fmt.Errorf("ensure-name-substring: %w", err)
		}
		return nil
	}
}

func (c nameSubstring) run(rl *framework.ResourceList, followDependsOn bool) error {
	// kustomize's resources keep the bookkeeping of renames that its name
	// reference filter reads. Local-config resources are renamed too, as
	// the catalog does, so a config file of the package is renamed like
	// any item; the functionConfig itself is not an item and stays.
	rf := resource.NewFactory(&hasher.Hasher{})
	rf.IncludeLocalConfigs = true
	m, err := resmap.NewFactory(rf).NewResMapFromRNodeSlice(rl.Items)
	if err != nil {
		return err
	}
	before := make([]map[string]string, m.Size())
	var renamed []renaming
	for i, r := range m.Resources() {
		before[i] = r.GetAnnotations()
		if selectedByAny(r.OrgId(), keepNames) {
			continue
		}
		if err := c.edit(r, &renamed); err != nil {
			return err
		}
	}
	if err := fixNameReferences(m); err != nil {
		return err
	}
	for i, r := range m.Resources() {
		if followDependsOn {
			if err := followRenames(r, renamed); err != nil {
				return err
			}
		}
		if err := dropBookkeeping(r, before[i]); err != nil {
			return err
		}
	}
	rl.Items = m.ToRNodeSlice()
	return nil
}

// edit ensures the substring in r's name fields. Each value is checked on
// its own, so that running the function again changes nothing.
func (c nameSubstring) edit(r *resource.Resource, renamed *[]renaming) error {
	id := r.OrgId()
	for _, fs := range c.fields {
		if !id.IsSelected(&fs.Gvk) {
			continue
		}
		if fs.Path == nameField {
			from := r.GetName()
			if strings.Contains(from, c.substring) {
				continue
			}
			r.StorePreviousId()
			if c.prepend {
				r.AddNamePrefix(c.substring)
			} else {
				r.AddNameSuffix(c.substring)
			}
			*renamed = append(*renamed, renaming{id.Group, id.Kind, r.GetNamespace(), from, c.with(from)})
		}
		err := r.PipeE(fieldspec.Filter{
			FieldSpec:  fs,
			SetValue:   c.ensure,
			CreateKind: yaml.ScalarNode,
			CreateTag:  yaml.NodeTagString,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// ensure edits the value in place, so that it keeps its comments, such as
// a setter's, and its quoting.
func (c nameSubstring) ensure(n *yaml.RNode) error {
	y := n.YNode()
	if y.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a name, found a %s", y.ShortTag())
	}
	if !strings.Contains(y.Value, c.substring) {
		y.Value, y.Tag = c.with(y.Value), yaml.NodeTagString
	}
	return nil
}

func (c nameSubstring) with(name string) string {
	if c.prepend {
		return c.substring + name
	}
	return name + c.substring
}

func selectedByAny(id resid.ResId, gvks []resid.Gvk) bool {
	for i := range gvks {
		if id.IsSelected(&gvks[i]) {
			return true
		}
	}
	return false
}

// dropBookkeeping removes the annotations kustomize added to r while
// renaming; those r came with, such as its file's, stay.
func dropBookkeeping(r *resource.Resource, had map[string]string) error {
	now := r.GetAnnotations()
	removed := false
	for _, k := range resource.BuildAnnotations {
		_, kept := had[k]
		if _, added := now[k]; added && !kept {
			if err := r.PipeE(yaml.ClearAnnotation(k)); err != nil {
				return err
			}
			removed = true
		}
	}
	if removed && len(had) == 0 {
		return yaml.ClearEmptyAnnotations(&r.RNode)
	}
	return nil
}
