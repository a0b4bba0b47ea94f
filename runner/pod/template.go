package pod

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

//go:embed default_template.yaml
var defaultTemplate []byte

// Template is the Pod that every function's pod is made from. Its first
// container is the function's.
type Template struct {
	pod  corev1.Pod
	data []byte
}

// DefaultTemplate is the built-in template (default_template.yaml).
func DefaultTemplate() *Template {
	t, err := ParseTemplate(defaultTemplate)
	if err != nil {
		panic(fmt.Sprintf("the built-in pod template: %v", err))
	}
	return t
}

// LoadTemplate reads a template file: a Pod in YAML.
func LoadTemplate(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pod template: %w", err)
	}
	t, err := ParseTemplate(data)
	if err != nil {
		return nil, fmt.Errorf("pod template %s: %w", path, err)
	}
	return t, nil
}

// ParseTemplate parses a Pod in YAML. Unknown fields are refused, so that a
// typo does not silently drop a setting from every function's pod.
func ParseTemplate(data []byte) (*Template, error) {
	t := &Template{data: append([]byte(nil), data...)}
	if err := yaml.UnmarshalStrict(data, &t.pod); err != nil {
		return nil, err
	}
	if t.pod.Kind != "Pod" {
		return nil, fmt.Errorf("kind %q, want Pod", t.pod.Kind)
	}
	if len(t.pod.Spec.Containers) == 0 {
		return nil, errors.New("no containers: the first container runs the function")
	}
	return t, nil
}

// hash identifies the pods made from this template with this wrapper
// server image: a pod with another hash is replaced rather than reused.
func (t *Template) hash(wrapperImage string) string {
	h := sha256.New()
	h.Write(t.data)
	h.Write([]byte{0})
	h.Write([]byte(wrapperImage))
	return hex.EncodeToString(h.Sum(nil))[:16]
}
