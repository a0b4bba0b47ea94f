//go:build failpoints

package failpoint

import (
	"context"
	"testing"
)

func TestErrorFiresOnceForItsPackage(t *testing.T) {
	mu.Lock()
	armed = parse("a:" + BeforePush + "=error, b:" + AfterPush + "=error")
	mu.Unlock()
	ctx := WithPackage(context.Background(), "a")
	if err := Inject(context.Background(), BeforePush); err != nil {
		t.Fatalf("fired with no package: %v", err)
	}
	if err := Inject(ctx, AfterPush); err != nil {
		t.Fatalf("fired at another point: %v", err)
	}
	if err := Inject(ctx, BeforePush); err == nil {
		t.Fatal("did not fire")
	}
	if err := Inject(ctx, BeforePush); err != nil {
		t.Fatalf("fired twice: %v", err)
	}
}
