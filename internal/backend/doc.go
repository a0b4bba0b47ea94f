// Package backend holds what the storage backends, git and OCI, share: the
// credentials they are given and the kinds of failure they report, so that
// controllers tell users what went wrong in the same words for both. It
// reads no Secrets and knows no Kubernetes client: the controllers read
// the credentials (see internal/controller/credentials) and pass them in.
package backend
