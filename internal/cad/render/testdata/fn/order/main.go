// Command order is a test function: it adds a ConfigMap named order that
// lists, in order, the package and path of every resource it was given, so
// that renders can be compared on what functions see.
package main

import (
	"os"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	fn := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		var lines []string
		for _, item := range rl.Items {
			a := item.GetAnnotations()
			lines = append(lines, a["internal.config.kubernetes.io/package-path"]+" "+a["internal.config.kubernetes.io/path"]+" "+item.GetName())
		}
		cm, err := yaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: order\n")
		if err != nil {
			return err
		}
		cm.SetDataMap(map[string]string{"items": strings.Join(lines, "\n")})
		rl.Items = append(rl.Items, cm)
		return nil
	})
	cmd := command.Build(fn, command.StandaloneDisabled, false)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
