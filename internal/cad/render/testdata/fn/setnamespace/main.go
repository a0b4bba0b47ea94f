// Command setnamespace is a test function: it sets the namespace named by
// its ConfigMap functionConfig's data.namespace on every resource it is given.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
)

func main() {
	fn := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		ns := rl.FunctionConfig.GetDataMap()["namespace"]
		for _, item := range rl.Items {
			if err := item.SetNamespace(ns); err != nil {
				return err
			}
		}
		rl.Results = append(rl.Results, &framework.Result{Message: "namespace set to " + ns, Severity: framework.Info})
		return nil
	})
	cmd := command.Build(fn, command.StandaloneDisabled, false)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
