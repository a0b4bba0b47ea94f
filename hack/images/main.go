// Command images builds the product's container images without a
// container engine (see internal/imagebuild): make images writes them as
// OCI image layouts under bin/images, make images-push pushes them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/imagebuild"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "images:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "bin/images", "Folder of the OCI image layouts written, one per image.")
	registry := flag.String("registry", "", "Registry (and path) to push the images to, e.g. ghcr.io/example; when empty, the images are only written to --out.")
	tag := flag.String("tag", "dev", "Tag of the images.")
	platforms := flag.String("platforms", strings.Join(imagebuild.Platforms, ","), "Platforms to build for, os/arch, comma-separated.")
	source := flag.String("source", "https://github.com/porch-dev/porch", "The org.opencontainers.image.source label.")
	revision := flag.String("revision", "", "The org.opencontainers.image.revision label; the checkout's commit when empty.")
	version := flag.String("version", "", "The org.opencontainers.image.version label; --tag when empty.")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *revision == "" {
		*revision = gitOutput("rev-parse", "HEAD")
	}
	if *version == "" {
		*version = *tag
	}
	work, err := os.MkdirTemp("", "porch-images-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	indexes, err := imagebuild.Build(ctx, imagebuild.Images, imagebuild.Options{
		Root: ".", Platforms: strings.Split(*platforms, ","), Source: *source, Revision: *revision, Version: *version,
		Created: created(), WorkDir: work, Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	if err := imagebuild.WriteLayouts(*out, *tag, indexes); err != nil {
		return err
	}
	for _, img := range imagebuild.Images {
		digest, err := indexes[img.Name].Digest()
		if err != nil {
			return err
		}
		fmt.Printf("%s/%s %s:%s %s\n", *out, img.Name, img.Repository(), *tag, digest)
	}
	if *registry == "" {
		return nil
	}
	pushed, err := imagebuild.Push(ctx, *registry, *tag, imagebuild.Images, indexes, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	for _, ref := range pushed {
		fmt.Println("pushed", ref)
	}
	return err
}

// created is the images' time: SOURCE_DATE_EPOCH when set, else the
// checkout's last commit's, else the epoch; never the clock's, so that
// building one commit twice gives the same images.
func created() time.Time {
	epoch := os.Getenv("SOURCE_DATE_EPOCH")
	if epoch == "" {
		epoch = gitOutput("log", "-1", "--format=%ct")
	}
	seconds, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Unix(0, 0).UTC()
	}
	return time.Unix(seconds, 0).UTC()
}

// gitOutput is what git prints for args in this folder, or "" if it fails.
func gitOutput(args ...string) string {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
