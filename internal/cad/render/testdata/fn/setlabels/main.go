// Command setlabels is a test function: it sets every key of its ConfigMap
// functionConfig's data as a label on every resource it is given.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	fn := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		data := rl.FunctionConfig.GetDataMap()
		for _, item := range rl.Items {
			for k, v := range data {
				if err := item.PipeE(yaml.SetLabel(k, v)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	cmd := command.Build(fn, command.StandaloneDisabled, false)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
