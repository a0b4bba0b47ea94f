// Package imagebuild builds the product's container images without a
// container engine: it cross-compiles static binaries with the Go
// toolchain and assembles OCI images and multi-platform indexes of them
// with go-containerregistry, each on an empty base, run as a non-root
// user, with the CA certificates TLS remotes need. hack/images is its
// command (make images, make images-push); the Dockerfiles under images/
// install the same files, for those who build with Docker.
package imagebuild
