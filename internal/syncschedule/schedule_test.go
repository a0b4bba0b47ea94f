package syncschedule

import (
	"testing"
	"time"
)

func TestShortestInterval(t *testing.T) {
	tests := []struct {
		schedule string
		want     time.Duration
	}{
		{"@every 1s", time.Second},
		{"@every 30s", 30 * time.Second},
		{"@every 500ms", time.Second}, // cron rounds up to a second
		{"@every 2m", 2 * time.Minute},
		{"@every 1h30m", 90 * time.Minute},
		{"* * * * *", time.Minute},
		{"*/10 * * * *", 10 * time.Minute},
		{"0 * * * *", time.Hour},
		{"@hourly", time.Hour},
		{"@daily", 24 * time.Hour},
		{"0,5,30 * * * *", 5 * time.Minute},
		// Far apart within the day, one hour apart across midnight.
		{"0 0,23 * * *", time.Hour},
		// Only on the 28th and the 1st: two minutes apart from 23:59 on
		// February 28th to 00:01 on March 1st of a year that is not a leap year.
		{"59,1 23,0 28,1 * *", 2 * time.Minute},
		// Mondays and Tuesdays at 23:50 and 00:10: twenty minutes apart
		// from Monday night to Tuesday morning.
		{"50,10 23,0 * * 1,2", 20 * time.Minute},
		{"CRON_TZ=Europe/Paris 0 9 * * *", 23 * time.Hour}, // the spring change to summer time
		// Never fires: at least the two years looked at.
		{"0 0 30 2 *", 2*366*24*time.Hour - 24*time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			s, err := Parse(tt.schedule)
			if err != nil {
				t.Fatal(err)
			}
			if got := ShortestInterval(s); got != tt.want {
				t.Fatalf("ShortestInterval(%q) = %v, want %v", tt.schedule, got, tt.want)
			}
		})
	}
}

func TestParseRefusesSecondsAndNonsense(t *testing.T) {
	for _, expr := range []string{"* * * * * *", "every minute", "@every soon", ""} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", expr)
		}
	}
}

func TestNextAtLeast(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 3, 20, 0, time.UTC)
	tests := []struct {
		schedule string
		min      time.Duration
		want     time.Time
	}{
		{"@every 1s", time.Minute, now.Add(time.Minute)},
		{"@every 30s", 5 * time.Minute, now.Add(5 * time.Minute)},
		{"* * * * *", time.Minute, time.Date(2026, 12, 2, 10, 5, 0, 0, time.UTC)},
		{"* * * * *", 5 * time.Minute, time.Date(2026, 12, 2, 10, 9, 0, 0, time.UTC)},
		// A schedule slower than the minimum fires when it says.
		{"*/10 * * * *", time.Minute, time.Date(2026, 12, 2, 10, 10, 0, 0, time.UTC)},
		{"@every 2m", time.Minute, now.Add(2 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.schedule+" at least "+tt.min.String(), func(t *testing.T) {
			s, err := Parse(tt.schedule)
			if err != nil {
				t.Fatal(err)
			}
			if got := NextAtLeast(s, now, tt.min); !got.Equal(tt.want) {
				t.Fatalf("NextAtLeast = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkShortestIntervalDense(b *testing.B) {
	s, err := Parse("*/2 * * * *")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ShortestInterval(s)
	}
}
