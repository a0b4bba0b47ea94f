// Package pod is the runner's evaluator of functions as images: it runs
// each image in Pods of a namespace, as upstream Porch's function runner
// does, so any function image runs without being compiled in or installed.
//
// Per image, each pod comes with a Service of the same name. Pods are made
// from a template (DefaultTemplate or a file); the function's container
// runs the image with its command replaced by the wrapper server
// (cmd/wrapper-server), which an init container of the runner's own image
// installs into a shared emptyDir, and which runs the image's entrypoint,
// read from the registry, for each call. The evaluator calls the wrapper
// server over the runner's own gRPC API, through the Service.
//
// Lifecycle:
//   - A pod runs one call at a time, and an image has at most
//     WithMaxPodsPerFunction pods (counting those still starting). A call
//     takes an idle pod, or makes one while under the maximum, or waits
//     for one to be free, until its context ends.
//   - Before its first call a pod must be Ready, with an IP, and its
//     wrapper server must answer, within the ready timeout. A pod that
//     fails to pull its image or crash-loops fails the call at once; a pod
//     that fails either way is deleted with its Service, and the calls
//     waiting for the image get the same error.
//   - A pod idle for longer than the TTL is deleted by the garbage
//     collector, which also deletes labelled pods and Services nothing
//     holds once they are stale.
//   - On Start, the pods a previous runner left are adopted, not made
//     again: the pod's last-used annotation (written at most once a
//     minute) says how long it has been idle. Pods made from another
//     template or wrapper server image are deleted instead, so a changed
//     template replaces them. One runner owns a namespace's function pods.
package pod
