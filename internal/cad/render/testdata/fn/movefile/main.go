// Command movefile is a test function: it moves every resource of kind
// ConfigMap to moved/NAME.yaml by setting only the legacy path annotation,
// as older functions do, so that renders must reconcile both annotations.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	fn := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		for _, item := range rl.Items {
			if item.GetKind() != "ConfigMap" {
				continue
			}
			if err := item.PipeE(yaml.SetAnnotation("config.kubernetes.io/path", "moved/"+item.GetName()+".yaml")); err != nil {
				return err
			}
		}
		return nil
	})
	cmd := command.Build(fn, command.StandaloneDisabled, false)
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
