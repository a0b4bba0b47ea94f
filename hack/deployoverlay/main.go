// Command deployoverlay writes the kustomization make deploy applies:
// config/default with the images of a registry and a tag.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/porch-dev/porch/config"
)

func main() {
	dir := flag.String("dir", "bin/deploy", "Folder to write kustomization.yaml into, two folders below the repository's root.")
	registry := flag.String("registry", "", "Registry (and path) the images are in, e.g. ghcr.io/example.")
	tag := flag.String("tag", "", "The images' tag.")
	flag.Parse()
	if *registry == "" || *tag == "" {
		fmt.Fprintln(os.Stderr, "deployoverlay: --registry and --tag are required (make deploy IMG_REGISTRY=ghcr.io/example IMG_TAG=v1)")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "deployoverlay:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*dir, "kustomization.yaml"), []byte(config.DeployOverlay(*registry, *tag)), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "deployoverlay:", err)
		os.Exit(1)
	}
}
