package builtin

import (
	"fmt"
	pathpkg "path"
	"regexp"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// searchReplace is the catalog's search-replace: by-* matchers, AND'ed,
// select fields, and put-* mutators change their value or line comment.
type searchReplace struct {
	byValue, byPath, byFilePath string
	byValueRegex                *regexp.Regexp
	putValue, putComment        string
	pathPattern                 []string
	count                       int
}

var searchReplaceKeys = []string{"by-value", "by-value-regex", "by-path", "by-file-path", "put-value", "put-comment"}

func searchReplaceFn(rl *framework.ResourceList) error {
	sr, err := newSearchReplace(rl.FunctionConfig)
	if err != nil {
		return fmt.Errorf("search-replace: %w", err)
	}
	for _, item := range rl.Items {
		if err := sr.perform(item); err != nil {
			return fmt.Errorf("search-replace: %s %q: %w", item.GetKind(), item.GetName(), err)
		}
	}
	action := "Matched"
	if sr.putValue != "" || sr.putComment != "" {
		action = "Mutated"
	}
	rl.Results = append(rl.Results, &framework.Result{Message: fmt.Sprintf("%s %d field(s)", action, sr.count), Severity: framework.Info})
	return nil
}

func newSearchReplace(fc *yaml.RNode) (*searchReplace, error) {
	if fc == nil || fc.GetKind() != "ConfigMap" {
		return nil, fmt.Errorf("functionConfig must be a ConfigMap")
	}
	data := fc.GetDataMap()
	for k := range data {
		if !slices.Contains(searchReplaceKeys, k) {
			return nil, fmt.Errorf("invalid matcher %q, must be one of %q", k, searchReplaceKeys)
		}
	}
	sr := &searchReplace{byValue: data["by-value"], byPath: data["by-path"], byFilePath: data["by-file-path"],
		putValue: data["put-value"], putComment: data["put-comment"]}
	if re := data["by-value-regex"]; re != "" {
		if sr.byValue != "" {
			return nil, fmt.Errorf(`only one of "by-value" and "by-value-regex" can be provided`)
		}
		// The documented behaviour: the regex matches the whole value.
		compiled, err := regexp.Compile("^(?:" + re + ")$")
		if err != nil {
			return nil, fmt.Errorf("by-value-regex: %w", err)
		}
		sr.byValueRegex = compiled
	}
	if sr.byPath != "" {
		sr.pathPattern = pathTokens(sr.byPath)
	}
	return sr, nil
}

func (sr *searchReplace) perform(item *yaml.RNode) error {
	if sr.byFilePath != "" {
		path, _, _ := kioutil.GetFileAnnotations(item)
		if !globMatch(strings.Split(sr.byFilePath, "/"), strings.Split(path, "/")) {
			return nil
		}
	}
	// A plain path and a value only: set the field, creating it if need be,
	// as in "set the namespace of every resource".
	if sr.putValue != "" && sr.byValue == "" && sr.byValueRegex == nil &&
		sr.byPath != "" && !strings.ContainsAny(sr.byPath, "*[") {
		fields := strings.Split(sr.byPath, ".")
		parent, err := item.Pipe(yaml.LookupCreate(yaml.MappingNode, fields[:len(fields)-1]...))
		if err != nil {
			return err
		}
		value := yaml.NewScalarRNode(sr.putValue)
		value.YNode().Tag = yaml.NodeTagEmpty
		sr.count++
		return parent.PipeE(yaml.SetField(fields[len(fields)-1], value))
	}
	return sr.walk(item.YNode(), nil)
}

// walk visits every field, path being its tokens: "a", "b", "[0]".
func (sr *searchReplace) walk(n *yaml.Node, path []string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := sr.walk(c, path); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := sr.walk(c, appendToken(path, fmt.Sprintf("[%d]", i))); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			p := appendToken(path, key.Value)
			// A list takes a comment on its key: put-comment creating an
			// array setter.
			if value.Kind == yaml.SequenceNode && sr.putComment != "" && sr.byPath != "" && tokensMatch(sr.pathPattern, p) {
				key.LineComment = sr.putComment
				sr.count++
			}
			if err := sr.walk(value, p); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		return sr.replace(n, path)
	}
	return nil
}

func (sr *searchReplace) replace(n *yaml.Node, path []string) error {
	valueMatch := sr.byValue != "" && n.Value == sr.byValue || sr.byValueRegex != nil && sr.byValueRegex.MatchString(n.Value)
	pathMatch := sr.byPath != "" && tokensMatch(sr.pathPattern, path)
	matched := valueMatch && (sr.byPath == "" || pathMatch) ||
		pathMatch && sr.byValue == "" && sr.byValueRegex == nil
	if !matched {
		return nil
	}
	sr.count++
	if sr.putComment != "" {
		c, err := sr.resolve(n.Value, sr.putComment)
		if err != nil {
			return err
		}
		n.LineComment = c
	}
	if sr.putValue != "" {
		v, err := sr.resolve(n.Value, sr.putValue)
		if err != nil {
			return err
		}
		// The new value's type is read from the value, as if written by hand.
		n.Value, n.Tag = v, yaml.NodeTagEmpty
	}
	return nil
}

var captureRef = regexp.MustCompile(`\$\{([0-9]+)\}`)

// resolve fills ${1}, ${2}... of pattern with by-value-regex's groups.
func (sr *searchReplace) resolve(value, pattern string) (string, error) {
	if sr.byValueRegex == nil {
		return pattern, nil
	}
	groups := sr.byValueRegex.FindStringSubmatch(value)
	var missing bool
	out := captureRef.ReplaceAllStringFunc(pattern, func(ref string) string {
		var i int
		_, _ = fmt.Sscanf(ref, "${%d}", &i)
		if i >= len(groups) {
			missing = true
			return ref
		}
		return groups[i]
	})
	if missing {
		return "", fmt.Errorf("unable to resolve capture groups of %q", pattern)
	}
	return out, nil
}

// pathTokens splits a field path such as a.b[1].c into a, b, [1], c.
func pathTokens(path string) []string {
	var tokens []string
	for _, field := range strings.Split(path, ".") {
		name, index, hasIndex := strings.Cut(field, "[")
		if name != "" {
			tokens = append(tokens, name)
		}
		if hasIndex {
			tokens = append(tokens, "["+index)
		}
	}
	return tokens
}

// tokensMatch matches a path against a pattern: * is one field, [*] one
// index, ** zero or more of either.
func tokensMatch(pattern, path []string) bool {
	if len(pattern) == 0 {
		return len(path) == 0
	}
	switch p := pattern[0]; {
	case p == "**":
		for i := 0; i <= len(path); i++ {
			if tokensMatch(pattern[1:], path[i:]) {
				return true
			}
		}
		return false
	case len(path) == 0:
		return false
	case p == "*" && !strings.HasPrefix(path[0], "["), p == "[*]" && strings.HasPrefix(path[0], "["), p == path[0]:
		return tokensMatch(pattern[1:], path[1:])
	default:
		return false
	}
}

// globMatch matches a slash-separated file path: ** is zero or more folders,
// and each other part is a path.Match pattern (*, ?, [class]).
func globMatch(pattern, path []string) bool {
	if len(pattern) == 0 {
		return len(path) == 0
	}
	if pattern[0] == "**" {
		for i := 0; i <= len(path); i++ {
			if globMatch(pattern[1:], path[i:]) {
				return true
			}
		}
		return false
	}
	if len(path) == 0 {
		return false
	}
	ok, err := pathMatch(pattern[0], path[0])
	return err == nil && ok && globMatch(pattern[1:], path[1:])
}

func appendToken(path []string, token string) []string {
	return append(path[:len(path):len(path)], token)
}

// pathMatch is path.Match, named so that parameters may be called path.
var pathMatch = pathpkg.Match
