// Package oci is the go-containerregistry adapter for OCI registries of
// packages: pure storage, no Kubernetes client. The format is upstream
// Porch's (DESIGN.md section 9), so that either reads the other's images.
//
//   - format.go: the Package a revision holds, annotations, media types.
//   - layer.go, image.go: BuildImage and ReadImage, deterministic and
//     validating, bounded in what they read.
//   - store.go: the Store of one registry path, errors as backend's kinds.
//   - revisions.go: Tags, Head, Manifest, Read, NextRevision.
//   - write.go, delete.go, locks.go: conditional Write and Delete.
//   - catalog.go, index.go: Packages, from the catalog or the index image.
//   - auth.go, transport.go, probe.go: credentials, CA bundles, reachability.
package oci
