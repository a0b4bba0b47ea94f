package webhook

import (
	"strings"
	"testing"
	"time"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

func TestValidateSchedule(t *testing.T) {
	tests := []struct {
		schedule string
		min      time.Duration
		// want is what the error says; empty when the schedule is accepted.
		want []string
	}{
		{schedule: ""},
		{schedule: "@every 1s", min: time.Minute,
			want: []string{`spec.sync.schedule: Invalid value: "@every 1s"`, "every 1s", "minimum sync interval of 1m0s"}},
		{schedule: "@every 30s", min: time.Minute, want: []string{"every 30s", "of 1m0s"}},
		{schedule: "@every 1m", min: time.Minute},
		{schedule: "@every 2m", min: time.Minute},
		{schedule: "* * * * *", min: time.Minute},
		{schedule: "* * * * *", min: 5 * time.Minute, want: []string{"every 1m0s", "of 5m0s"}},
		{schedule: "*/10 * * * *", min: 5 * time.Minute},
		{schedule: "0 0,23 * * *", min: 2 * time.Hour, want: []string{"every 1h0m0s", "of 2h0m0s"}},
		// Seconds are not a field: six fields do not parse.
		{schedule: "* * * * * *", min: time.Minute, want: []string{`spec.sync.schedule: Invalid value: "* * * * * *": not a cron expression`}},
		{schedule: "every tuesday", min: time.Minute, want: []string{"not a cron expression"}},
	}
	for _, tt := range tests {
		t.Run(tt.schedule+"/"+tt.min.String(), func(t *testing.T) {
			repo := gitRepo("r", "http://host/repo.git", "", "")
			repo.Spec.Sync = &configv1alpha1.RepositorySync{Schedule: tt.schedule}
			errs := validateSchedule(&repo, tt.min)
			if len(tt.want) == 0 {
				if len(errs) > 0 {
					t.Fatalf("refused: %v", errs.ToAggregate())
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("want one error, got %v", errs)
			}
			for _, part := range tt.want {
				if !strings.Contains(errs[0].Error(), part) {
					t.Errorf("%q does not say %q", errs[0].Error(), part)
				}
			}
		})
	}
}

func TestRepositoryValidatorHoldsTheScheduleToItsMinimum(t *testing.T) {
	repo := gitRepo("r", "http://host/repo.git", "", "")
	repo.Spec.Sync = &configv1alpha1.RepositorySync{Schedule: "@every 5m"}
	if _, err := validatorWith(t).ValidateCreate(as("alice"), &repo); err != nil {
		t.Fatalf("with the default minimum: %v", err)
	}
	strict := validatorWith(t)
	strict.MinSyncInterval = 10 * time.Minute
	if _, err := strict.ValidateCreate(as("alice"), &repo); err == nil || !strings.Contains(err.Error(), "spec.sync.schedule") {
		t.Fatalf("with a minimum of 10m: want spec.sync.schedule refused, got %v", err)
	}
	repo.Spec.Sync.Schedule = "@every 30s"
	if _, err := validatorWith(t).ValidateCreate(as("alice"), &repo); err == nil || !strings.Contains(err.Error(), "1m0s") {
		t.Fatalf("the default minimum of 1m did not apply: %v", err)
	}
}
