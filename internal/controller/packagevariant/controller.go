// Package packagevariant reconciles PackageVariants: it keeps a downstream
// package cloned from an upstream package revision, upgraded when the
// upstream moves on, and mutated as the spec says. It is a pure client of
// the API: it creates and edits PackageRevisions and their resources, and
// the authoring controller does the git work. It never proposes or
// approves.
package packagevariant

import (
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/controller/shard"
)

// FieldOwner names this controller in the objects' managed fields.
const FieldOwner = client.FieldOwner("porch-packagevariant")

// Options tune the controller.
type Options struct {
	// Workers is how many PackageVariants are reconciled at once.
	Workers int
	// RetryInterval is how soon a variant waiting on something outside
	// its spec (an upstream that does not exist yet) is tried again.
	RetryInterval time.Duration
}

// DefaultOptions are the controller's defaults.
var DefaultOptions = Options{Workers: 4, RetryInterval: 30 * time.Second}

// Reconciler reconciles PackageVariants.
type Reconciler struct {
	client.Client
	// APIReader reads uncached: the resources of revisions, whose content
	// the manager does not cache, and the in-cluster objects injected.
	APIReader client.Reader
	Options   Options
	// Shard is the Repositories whose variants (by their downstream) this
	// manager keeps; the zero one is all.
	Shard shard.Shard

	report *outcome.Reporter
}
