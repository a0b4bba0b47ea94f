package repository

import (
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/porch-dev/porch/internal/controller/outcome"
)

func TestReadyCondition(t *testing.T) {
	tests := []struct {
		name        string
		scope       scope
		err         error
		wantStatus  metav1.ConditionStatus
		wantReason  string
		wantMessage string
	}{
		{"ready", scope{branchHash: "0123456789abcdef0123"}, nil, metav1.ConditionTrue, "Ready", "Repository is ready (branch at 0123456789ab)"},
		{"ready after creating the branch", scope{branchHash: "abc", created: true}, nil, metav1.ConditionTrue, "Ready", "created the branch"},
		{"synced", scope{branchHash: "abc", outcome: syncDone, revisionCount: 7}, nil, metav1.ConditionTrue, "Ready",
			"Repository is ready (branch at abc); mirrored 7 package revisions"},
		{"synced with skipped refs", scope{outcome: syncDone, revisionCount: 1, skipped: []string{"a", "b", "c", "d", "e"}}, nil, metav1.ConditionTrue, "Ready",
			"mirrored 1 package revisions; skipped 5: a; b; c; and 2 more"},
		{"stalled", scope{}, &outcome.Stalling{Reason: "InvalidSpec", Message: "bad address"}, metav1.ConditionFalse, "InvalidSpec", "bad address"},
		{"waiting", scope{}, &outcome.Waiting{Reason: "AuthenticationFailed", Message: "refused", RequeueAfter: time.Second}, metav1.ConditionFalse, "AuthenticationFailed", "refused"},
		{"other error", scope{}, errors.New("apiserver hiccup"), metav1.ConditionFalse, "Error", "apiserver hiccup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := readyCondition(3, readySummary(&tt.scope), tt.err)
			if c.Type != "Ready" || c.Status != tt.wantStatus || c.Reason != tt.wantReason || c.ObservedGeneration != 3 {
				t.Fatalf("got %+v", c)
			}
			if !strings.Contains(c.Message, tt.wantMessage) {
				t.Fatalf("message %q lacks %q", c.Message, tt.wantMessage)
			}
		})
	}
}
