package outcome

import (
	"errors"
	"fmt"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
)

func TestResult(t *testing.T) {
	ok := ctrl.Result{RequeueAfter: time.Hour}
	generic := errors.New("boom")
	tests := []struct {
		name    string
		err     error
		want    ctrl.Result
		wantErr error
	}{
		{"success keeps the result", nil, ok, nil},
		{"stalling stops", &Stalling{Reason: "InvalidSpec", Message: "bad"}, ctrl.Result{}, nil},
		{"waiting requeues later", fmt.Errorf("wrapped: %w", &Waiting{RequeueAfter: time.Minute}), ctrl.Result{RequeueAfter: time.Minute}, nil},
		{"anything else backs off", generic, ctrl.Result{}, generic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Result(ok, tt.err)
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Result = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
