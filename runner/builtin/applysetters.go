package builtin

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setterComment starts the line comment that marks a field as set by
// setters: `image: nginx:1.16 # kpt-set: ${image}:${tag}`.
const setterComment = "# kpt-set: "

var setterRef = regexp.MustCompile(`\$\{([^}]*)\}`)

// applySetters is the catalog's apply-setters (v0.2): the functionConfig
// ConfigMap's data gives setter values, and every field whose line comment
// names one of them is rewritten from the comment's pattern. Setters of the
// pattern not given keep the value they have in the field.
func applySetters(rl *framework.ResourceList) error {
	if rl.FunctionConfig == nil || rl.FunctionConfig.GetKind() != "ConfigMap" {
		return fmt.Errorf("apply-setters: functionConfig must be a ConfigMap of setter values")
	}
	setters := rl.FunctionConfig.GetDataMap()
	for _, item := range rl.Items {
		if err := walkSetters(item.YNode(), setters); err != nil {
			return fmt.Errorf("apply-setters: %s %q: %w", item.GetKind(), item.GetName(), err)
		}
	}
	return nil
}

// walkSetters visits every field under n. A sequence carries its comment on
// its key (block style) or on itself (flow style); a scalar on itself.
func walkSetters(n *yaml.Node, setters map[string]string) error {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if err := walkSetters(c, setters); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if value.Kind == yaml.SequenceNode {
				if err := setSequence(key, value, setters); err != nil {
					return err
				}
			}
			if err := walkSetters(value, setters); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		return setScalar(n, setters)
	}
	return nil
}

func setScalar(n *yaml.Node, setters map[string]string) error {
	pattern, ok := setterPattern(n.LineComment, setters)
	if !ok {
		return nil
	}
	current := currentValues(pattern, n.Value)
	value := setterRef.ReplaceAllStringFunc(pattern, func(ref string) string {
		name := ref[2 : len(ref)-1]
		if v, ok := setters[name]; ok {
			return v
		}
		if v, ok := current[name]; ok {
			return v
		}
		return ref
	})
	if missing := setterRef.FindAllString(value, -1); len(missing) > 0 {
		return fmt.Errorf("values for setters %v must be provided", missing)
	}
	n.Value = value
	// The new value's type is read from the value, as if written by hand:
	// a replicas setter of "3" gives the integer 3.
	n.Tag = ""
	if value == "" {
		n.Style = yaml.DoubleQuotedStyle
	}
	return nil
}

func setSequence(key, seq *yaml.Node, setters map[string]string) error {
	comment := key.LineComment
	if seq.Style == yaml.FlowStyle {
		comment = seq.LineComment
	}
	pattern, ok := setterPattern(comment, setters)
	if !ok {
		return nil
	}
	refs := setterRef.FindAllStringSubmatch(pattern, -1)
	if len(refs) != 1 || refs[0][0] != pattern {
		return fmt.Errorf("invalid setter pattern for array field %q: %q", key.Value, pattern)
	}
	value := setters[refs[0][1]]
	if strings.TrimSpace(value) == "" {
		// An empty list can only be written in flow style, which carries
		// the comment itself.
		seq.Content, seq.Style, seq.LineComment, key.LineComment = nil, yaml.FlowStyle, comment, ""
		return nil
	}
	parsed, err := yaml.Parse(value)
	if err != nil || parsed.YNode().Kind != yaml.SequenceNode {
		return fmt.Errorf("value of array setter %q must be a list, got %q", refs[0][1], value)
	}
	seq.Content, seq.Style, seq.LineComment, key.LineComment = parsed.YNode().Content, 0, "", comment
	return nil
}

// setterPattern returns the comment's pattern when it names a setter given.
func setterPattern(comment string, setters map[string]string) (string, bool) {
	rest, ok := strings.CutPrefix(comment, setterComment)
	if !ok {
		return "", false
	}
	pattern := strings.TrimSpace(rest)
	for _, m := range setterRef.FindAllStringSubmatch(pattern, -1) {
		if _, given := setters[m[1]]; given {
			return pattern, true
		}
	}
	return "", false
}

// currentValues reads the setters' present values out of the field's value
// by matching it against the pattern: ${image}:${tag} on nginx:1.16 gives
// image=nginx and tag=1.16. Nothing when the value does not match.
func currentValues(pattern, value string) map[string]string {
	refs := setterRef.FindAllStringSubmatchIndex(pattern, -1)
	var re strings.Builder
	re.WriteString("^")
	last := 0
	names := make([]string, 0, len(refs))
	for _, r := range refs {
		re.WriteString(regexp.QuoteMeta(pattern[last:r[0]]))
		re.WriteString("(.+)")
		names = append(names, pattern[r[2]:r[3]])
		last = r[1]
	}
	re.WriteString(regexp.QuoteMeta(pattern[last:]))
	re.WriteString("$")
	m := regexp.MustCompile(re.String()).FindStringSubmatch(value)
	out := map[string]string{}
	if m == nil {
		return out
	}
	for i, name := range names {
		out[name] = m[i+1]
	}
	return out
}
