package builtin

import (
	"fmt"
	"slices"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const nameField = "metadata/name"

// ensureNameSubstringKind is the function's own kind of functionConfig.
const ensureNameSubstringKind = "EnsureNameSubstring"

// nameSubstringConfig reads a ConfigMap whose single data key, prepend or
// append, holds the substring, or an EnsureNameSubstring.
func nameSubstringConfig(fc *yaml.RNode) (nameSubstring, error) {
	c := nameSubstring{fields: types.FsSlice{{Path: nameField}}}
	if fc == nil || fc.IsNilOrEmpty() {
		return c, fmt.Errorf("functionConfig is missing: want a ConfigMap or an %s", ensureNameSubstringKind)
	}
	switch fc.GetKind() {
	case "ConfigMap":
		data := fc.GetDataMap()
		if len(data) != 1 {
			return c, fmt.Errorf("ConfigMap data must have one key, prepend or append, with the substring: it has %d", len(data))
		}
		for mode, substring := range data {
			if err := c.set("data."+mode, substring, "data key", mode); err != nil {
				return c, err
			}
		}
	case ensureNameSubstringKind:
		var spec struct {
			Substring            string            `yaml:"substring"`
			EditMode             string            `yaml:"editMode"`
			AdditionalNameFields []types.FieldSpec `yaml:"additionalNameFields"`
			// The older name of additionalNameFields.
			FieldSpecs []types.FieldSpec `yaml:"fieldSpecs"`
		}
		if err := fc.YNode().Decode(&spec); err != nil {
			return c, fmt.Errorf("%s: %w", ensureNameSubstringKind, err)
		}
		if spec.EditMode == "" {
			spec.EditMode = "prepend"
		}
		if err := c.set("substring", spec.Substring, "editMode", spec.EditMode); err != nil {
			return c, err
		}
		extra, key := spec.AdditionalNameFields, "additionalNameFields"
		if spec.FieldSpecs != nil {
			if extra != nil {
				return c, fmt.Errorf("fieldSpecs is the older name of additionalNameFields: give only additionalNameFields")
			}
			extra, key = spec.FieldSpecs, "fieldSpecs"
		}
		for i, fs := range extra {
			if fs.Path == "" {
				return c, fmt.Errorf("%s[%d].path is required", key, i)
			}
		}
		c.fields = append(c.fields, extra...)
	default:
		return c, fmt.Errorf("functionConfig of kind %q is not supported: want a ConfigMap or an %s", fc.GetKind(), ensureNameSubstringKind)
	}
	return c, nil
}

// set takes the substring and edit mode, each named by where the
// functionConfig gives it, for the errors.
func (c *nameSubstring) set(substringField, substring, modeField, mode string) error {
	if !slices.Contains([]string{"prepend", "append"}, mode) {
		return fmt.Errorf("%s %q is not an edit mode: want prepend or append", modeField, mode)
	}
	if substring == "" {
		return fmt.Errorf("%s must not be empty: it is the substring to ensure", substringField)
	}
	c.substring, c.prepend = substring, mode == "prepend"
	return nil
}
