package repository

import (
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

func TestPlanSync(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 3, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { t := metav1.NewTime(now.Add(d)); return &t }
	repo := func(sync *configv1alpha1.RepositorySync, observed *metav1.Time) *configv1alpha1.Repository {
		return &configv1alpha1.Repository{Spec: configv1alpha1.RepositorySpec{Sync: sync},
			Status: configv1alpha1.RepositoryStatus{ObservedRunOnceAt: observed}}
	}
	tests := []struct {
		name       string
		repo       *configv1alpha1.Repository
		wantNext   time.Time // zero: within ±10% of the period
		runOnceNow bool
		runOnceAt  time.Time
		requeue    time.Duration // zero: not checked
		// never: no next sync, and no requeue.
		never bool
	}{
		{name: "default period", repo: repo(nil, nil)},
		{name: "cron schedule", repo: repo(&configv1alpha1.RepositorySync{Schedule: "*/10 * * * *"}, nil),
			wantNext: time.Date(2026, 12, 2, 10, 10, 0, 0, time.UTC), requeue: 7 * time.Minute},
		// Admitted while the webhook was not serving: never sooner than the minimum.
		{name: "a schedule faster than the minimum waits for it", repo: repo(&configv1alpha1.RepositorySync{Schedule: "@every 1s"}, nil),
			wantNext: now.Add(time.Minute), requeue: time.Minute},
		{name: "a cron schedule faster than the minimum waits for it", repo: repo(&configv1alpha1.RepositorySync{Schedule: "* * * * *"}, nil),
			wantNext: time.Date(2026, 12, 2, 10, 4, 0, 0, time.UTC), requeue: time.Minute},
		{name: "a schedule that never fires is not requeued", repo: repo(&configv1alpha1.RepositorySync{Schedule: "0 0 30 2 *"}, nil),
			never: true},
		{name: "runOnceAt in the future is waited for", repo: repo(&configv1alpha1.RepositorySync{Schedule: "0 * * * *", RunOnceAt: at(time.Minute)}, nil),
			wantNext: time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC), runOnceAt: now.Add(time.Minute), requeue: time.Minute},
		{name: "runOnceAt that has come is run now", repo: repo(&configv1alpha1.RepositorySync{Schedule: "0 * * * *", RunOnceAt: at(-time.Second)}, nil),
			wantNext: time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC), runOnceNow: true},
		{name: "runOnceAt already observed is not run again", repo: repo(&configv1alpha1.RepositorySync{Schedule: "0 * * * *", RunOnceAt: at(-time.Second)}, at(-time.Second)),
			wantNext: time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := planSync(tt.repo, now, 10*time.Minute, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.never:
				if !plan.next.IsZero() || plan.requeueAfter(now) != 0 {
					t.Fatalf("next = %v, requeueAfter = %v; want neither", plan.next, plan.requeueAfter(now))
				}
			case tt.wantNext.IsZero():
				if d := plan.next.Sub(now); d < 9*time.Minute || d > 11*time.Minute {
					t.Fatalf("next sync in %v, want 10m ±10%%", d)
				}
			case !plan.next.Equal(tt.wantNext):
				t.Fatalf("next = %v, want %v", plan.next, tt.wantNext)
			}
			if plan.runOnceNow != tt.runOnceNow || !plan.runOnceAt.Equal(tt.runOnceAt) {
				t.Fatalf("runOnceNow, runOnceAt = %v, %v; want %v, %v", plan.runOnceNow, plan.runOnceAt, tt.runOnceNow, tt.runOnceAt)
			}
			if tt.requeue != 0 && plan.requeueAfter(now) != tt.requeue {
				t.Fatalf("requeueAfter = %v, want %v", plan.requeueAfter(now), tt.requeue)
			}
		})
	}
}

func TestPlanSyncRefusesABadSchedule(t *testing.T) {
	repo := &configv1alpha1.Repository{Spec: configv1alpha1.RepositorySpec{Sync: &configv1alpha1.RepositorySync{Schedule: "every tuesday"}}}
	_, err := planSync(repo, time.Now(), time.Minute, time.Minute)
	var stalling *outcome.Stalling
	if !errors.As(err, &stalling) || stalling.Reason != configv1alpha1.ReasonInvalidSpec || !strings.Contains(stalling.Message, `spec.sync.schedule "every tuesday"`) {
		t.Fatalf("got %v, want a Stalling InvalidSpec error naming spec.sync.schedule", err)
	}
}

func TestJitterStaysWithinTenPercent(t *testing.T) {
	for range 1000 {
		if d := outcome.Jitter(time.Minute); d < 54*time.Second || d > 66*time.Second {
			t.Fatalf("outcome.Jitter(1m) = %v, outside ±10%%", d)
		}
	}
	if outcome.Jitter(0) != 0 {
		t.Fatal("outcome.Jitter(0) must be 0")
	}
}
