// Package config holds the kustomizations that install the product, and
// the overlay make deploy writes over them.
package config

import "strings"

// Images are the placeholders config/default names the product's images by.
var Images = []string{"porch-manager", "porch-runner", "porch-wrapper-server"}

// DeployOverlay is the kustomization make deploy applies, written two
// folders below the repository's root (bin/deploy): config/default with
// each image from registry, tagged tag.
func DeployOverlay(registry, tag string) string {
	var b strings.Builder
	b.WriteString("# Written by make deploy.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../config/default\nimages:\n")
	for _, image := range Images {
		b.WriteString("- name: " + image + "\n  newName: " + registry + "/" + image + "\n  newTag: " + tag + "\n")
	}
	return b.String()
}
