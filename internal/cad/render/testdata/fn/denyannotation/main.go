// Command denyannotation is a test validator: it fails, with one error
// result per resource, when a resource carries the annotation named by its
// ConfigMap functionConfig's data.annotation.
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	fn := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		key := rl.FunctionConfig.GetDataMap()["annotation"]
		for _, item := range rl.Items {
			if _, ok := item.GetAnnotations()[key]; ok {
				rl.Results = append(rl.Results, &framework.Result{
					Message:  fmt.Sprintf("annotation %s is not allowed", key),
					Severity: framework.Error,
					ResourceRef: &yaml.ResourceIdentifier{
						TypeMeta: yaml.TypeMeta{APIVersion: item.GetApiVersion(), Kind: item.GetKind()},
						NameMeta: yaml.NameMeta{Name: item.GetName(), Namespace: item.GetNamespace()},
					},
				})
			}
		}
		if rl.Results.ExitCode() != 0 {
			return rl.Results
		}
		return nil
	})
	fmt.Fprintln(os.Stderr, "checking annotations")
	cmd := command.Build(fn, command.StandaloneDisabled, false)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
