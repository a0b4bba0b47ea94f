package repository

import (
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/porch-dev/porch/internal/controller/reconcile"
)

func TestReadyCondition(t *testing.T) {
	tests := []struct {
		name        string
		hash        string
		created     bool
		err         error
		wantStatus  metav1.ConditionStatus
		wantReason  string
		wantMessage string
	}{
		{"ready", "0123456789abcdef0123", false, nil, metav1.ConditionTrue, "Ready", "Repository is ready (branch at 0123456789ab)"},
		{"ready after creating the branch", "abc", true, nil, metav1.ConditionTrue, "Ready", "created the branch"},
		{"stalled", "", false, &reconcile.Stalling{Reason: "InvalidSpec", Message: "bad address"}, metav1.ConditionFalse, "InvalidSpec", "bad address"},
		{"waiting", "", false, &reconcile.Waiting{Reason: "AuthenticationFailed", Message: "refused", RequeueAfter: time.Second}, metav1.ConditionFalse, "AuthenticationFailed", "refused"},
		{"other error", "", false, errors.New("apiserver hiccup"), metav1.ConditionFalse, "Error", "apiserver hiccup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := readyCondition(3, tt.hash, tt.created, tt.err)
			if c.Type != "Ready" || c.Status != tt.wantStatus || c.Reason != tt.wantReason || c.ObservedGeneration != 3 {
				t.Fatalf("got %+v", c)
			}
			if !strings.Contains(c.Message, tt.wantMessage) {
				t.Fatalf("message %q lacks %q", c.Message, tt.wantMessage)
			}
		})
	}
}

func TestJitterStaysWithinTenPercent(t *testing.T) {
	for range 1000 {
		if d := jitter(time.Minute); d < 54*time.Second || d > 66*time.Second {
			t.Fatalf("jitter(1m) = %v, outside ±10%%", d)
		}
	}
	if jitter(0) != 0 {
		t.Fatal("jitter(0) must be 0")
	}
}
