package render

import (
	"sort"
	"strings"
)

// kptfile is a Kptfile named name, with extra metadata lines (indented by
// four spaces) and a pipeline body (empty for none).
func kptfileText(name, metadata, pipeline string) string {
	s := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: " + name + "\n" + metadata
	if strings.TrimSpace(pipeline) != "" {
		s += "pipeline:" + pipeline
	}
	return s
}

// configMapYAML is a ConfigMap with one data line; local marks it
// local-config, as function configs usually are.
func configMapYAML(name, data string, local bool) string {
	s := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
	if local {
		s += "  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"
	}
	return s + "data:\n  " + data + "\n"
}

func deployment(name string, labels map[string]string) string {
	s := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + " # the workload\n"
	if len(labels) > 0 {
		keys := make([]string, 0, len(labels))
		for k := range labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s += "  labels:\n"
		for _, k := range keys {
			s += "    " + k + ": " + labels[k] + "\n"
		}
	}
	return s + "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx\n"
}
