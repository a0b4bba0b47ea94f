package cad

import "strings"

// DefaultImagePrefix is where kpt and upstream Porch find a function named
// by a short image (apply-setters:v0.2): the KRM functions catalog.
const DefaultImagePrefix = "ghcr.io/kptdev/krm-functions-catalog/"

// ResolveImage is image with prefix before it when it names no registry or
// path (no '/' in it, as kpt decides), else image as it is.
func ResolveImage(image, prefix string) string {
	if image == "" || prefix == "" || strings.Contains(image, "/") {
		return image
	}
	return prefix + image
}
