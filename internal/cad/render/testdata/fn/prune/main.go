// Command prune is a test function: it drops every resource annotated
// prune: "true" and adds a ConfigMap named by its ConfigMap functionConfig's
// data.add, so that renders delete and create files.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	fn := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		var kept []*yaml.RNode
		for _, item := range rl.Items {
			if item.GetAnnotations()["prune"] != "true" {
				kept = append(kept, item)
			}
		}
		if name := rl.FunctionConfig.GetDataMap()["add"]; name != "" {
			cm, err := yaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  added: \"true\"\n")
			if err != nil {
				return err
			}
			kept = append(kept, cm)
		}
		rl.Items = kept
		return nil
	})
	cmd := command.Build(fn, command.StandaloneDisabled, false)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
