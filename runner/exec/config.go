package exec

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Config is the exec config file:
//
//	functions:
//	  ghcr.io/kptdev/krm-functions-catalog/apply-setters:v0.2.2: /usr/local/bin/apply-setters
//
// A relative path is relative to the file's folder, so a config and its
// binaries can be shipped together.
type Config struct {
	// Functions maps an image, exactly as pipelines name it, to an executable.
	Functions map[string]string `json:"functions"`
}

// LoadConfig reads and checks an exec config file.
func LoadConfig(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("exec config: %w", err)
	}
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return c, fmt.Errorf("exec config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for image, exe := range c.Functions {
		if image == "" || exe == "" {
			return c, fmt.Errorf("exec config %s: image %q has no executable", path, image)
		}
		if !filepath.IsAbs(exe) {
			c.Functions[image] = filepath.Join(dir, exe)
		}
	}
	return c, nil
}
