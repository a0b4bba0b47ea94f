//go:build !failpoints

package failpoint

import "context"

const enabled = false

// Inject does nothing: the binary was built without failpoints.
func Inject(context.Context, string) error { return nil }
