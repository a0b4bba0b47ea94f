//go:build !failpoints

package failpoint

import (
	"context"
	"testing"
)

// A build without the tag, the product's, ignores the environment.
func TestDisabledIgnoresTheEnvironment(t *testing.T) {
	t.Setenv(EnvVar, "a:"+BeforePush+"=error,a:"+AfterPush+"=kill")
	ctx := WithPackage(context.Background(), "a")
	for _, point := range []string{BeforePush, AfterPush, BeforeStatus} {
		if err := Inject(ctx, point); err != nil {
			t.Fatalf("Inject(%s) = %v in a build without failpoints", point, err)
		}
	}
}
