// Package failpoint stops the product at named points, so that tests can
// show what a crash or a failed write there leaves behind. It acts only in
// a binary built with the build tag "failpoints", which the fault tests
// build their own manager with; in every other build Inject does nothing.
//
// The fault tests name the failpoints to arm in the manager's environment:
// PORCH_FAILPOINTS=<package>:<point>=<action>,... where package is the
// package a PackageRevision authors, point one of the points below and
// action "kill" (the process dies at once, as with SIGKILL) or "error"
// (the operation fails). Each fires once per process.
package failpoint

import "context"

// The points.
const (
	// BeforePush is the git writer's, before it pushes a write.
	BeforePush = "before-push"
	// AfterPush is the git writer's, after the remote accepted a write and
	// before the writer records it.
	AfterPush = "after-push"
	// BeforeStatus is the authoring controller's, before it writes the
	// status of a revision or of its resources, whichever comes first.
	BeforeStatus = "before-status"
	// BeforeAdopt is the authoring controller's, after it wrote a new
	// draft's status and before it adopts the draft.
	BeforeAdopt = "before-adopt"
)

// EnvVar names the failpoints to arm.
const EnvVar = "PORCH_FAILPOINTS"

type packageKey struct{}

// WithPackage marks ctx as the work of authoring a revision of pkg.
func WithPackage(ctx context.Context, pkg string) context.Context {
	if !enabled {
		return ctx
	}
	return context.WithValue(ctx, packageKey{}, pkg)
}

func packageOf(ctx context.Context) string {
	pkg, _ := ctx.Value(packageKey{}).(string)
	return pkg
}
