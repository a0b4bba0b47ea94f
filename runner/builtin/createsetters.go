package builtin

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// createSetters is the catalog's create-setters: the inverse of
// apply-setters. The ConfigMap's data names setters and their present
// values; a field whose value contains a scalar setter's value gets the
// comment that apply-setters reads, and a list holding exactly an array
// setter's values gets one on its key.
func createSetters(rl *framework.ResourceList) error {
	if rl.FunctionConfig == nil || rl.FunctionConfig.GetKind() != "ConfigMap" || len(rl.FunctionConfig.GetDataMap()) == 0 {
		return fmt.Errorf("create-setters: functionConfig must be a ConfigMap naming at least one setter")
	}
	cs, err := newSetterCreator(rl.FunctionConfig.GetDataMap())
	if err != nil {
		return fmt.Errorf("create-setters: %w", err)
	}
	for _, item := range rl.Items {
		cs.walk(item.YNode(), nil)
	}
	return nil
}

type setterCreator struct {
	// replacer turns values into patterns, longest setter value first, so
	// that nginx-abc is not read as ${image}-abc when image is nginx.
	replacer *strings.Replacer
	scalars  []string
	arrays   map[string][]string
}

func newSetterCreator(data map[string]string) (*setterCreator, error) {
	cs := &setterCreator{arrays: map[string][]string{}}
	type scalar struct{ name, value string }
	var scalars []scalar
	for name, value := range data {
		node, err := yaml.Parse(value)
		if err != nil {
			return nil, fmt.Errorf("setter %q: %w", name, err)
		}
		if node.YNode().Kind == yaml.SequenceNode {
			var values []string
			for _, e := range node.YNode().Content {
				values = append(values, e.Value)
			}
			sort.Strings(values)
			cs.arrays[name] = values
			continue
		}
		if value != "" {
			scalars = append(scalars, scalar{name, value})
		}
	}
	sort.Slice(scalars, func(i, j int) bool {
		if len(scalars[i].value) != len(scalars[j].value) {
			return len(scalars[i].value) > len(scalars[j].value)
		}
		return scalars[i].name < scalars[j].name
	})
	var args []string
	for _, s := range scalars {
		args = append(args, s.value, "${"+s.name+"}")
		cs.scalars = append(cs.scalars, s.value)
	}
	cs.replacer = strings.NewReplacer(args...)
	return cs, nil
}

func (cs *setterCreator) walk(n *yaml.Node, path []string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			cs.walk(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			p := appendToken(path, key.Value)
			if value.Kind == yaml.SequenceNode {
				cs.commentList(key, value)
			}
			cs.walk(value, p)
		}
	case yaml.ScalarNode:
		cs.commentScalar(n, path)
	}
}

func (cs *setterCreator) commentScalar(n *yaml.Node, path []string) {
	// The orchestrator's own annotations and multi-line values are not
	// parameters anyone means to set.
	if len(path) == 3 && path[0] == "metadata" && path[1] == "annotations" &&
		(strings.HasPrefix(path[2], "config.kubernetes.io/") || strings.HasPrefix(path[2], "internal.config.kubernetes.io/")) {
		return
	}
	if strings.Contains(n.Value, "\n") {
		return
	}
	if pattern := cs.replacer.Replace(n.Value); pattern != n.Value {
		n.LineComment = setterComment + pattern
	}
}

func (cs *setterCreator) commentList(key, list *yaml.Node) {
	var values []string
	for _, e := range list.Content {
		values = append(values, e.Value)
	}
	sort.Strings(values)
	names := make([]string, 0, len(cs.arrays))
	for name := range cs.arrays {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Equal(values, cs.arrays[name]) {
			continue
		}
		if len(list.Content) == 0 {
			// An empty list is written in flow style, with the comment.
			list.LineComment = setterComment + "${" + name + "}"
			return
		}
		list.Style, key.LineComment = 0, setterComment+"${"+name+"}"
		return
	}
	// A flow list whose elements get comments must be written as a block.
	if list.Style == yaml.FlowStyle && slices.ContainsFunc(list.Content, func(e *yaml.Node) bool {
		return slices.ContainsFunc(cs.scalars, func(v string) bool { return strings.Contains(e.Value, v) })
	}) {
		list.Style = 0
	}
}
