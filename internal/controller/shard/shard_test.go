package shard

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

func TestShardOwnsTheRepositoriesItsSelectorMatches(t *testing.T) {
	repo := func(labels map[string]string) *configv1alpha1.Repository {
		return &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "r", Labels: labels}}
	}
	for _, tc := range []struct {
		selector string
		labels   map[string]string
		owns     bool
	}{
		{"", nil, true},
		{"", map[string]string{"shard": "b"}, true},
		{"shard=a", map[string]string{"shard": "a"}, true},
		{"shard=a", map[string]string{"shard": "b"}, false},
		{"shard=a", nil, false},
		{"tier in (edge,core)", map[string]string{"tier": "core"}, true},
		{"!shard", nil, true},
		{"!shard", map[string]string{"shard": "a"}, false},
	} {
		s, err := Parse(tc.selector)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.selector, err)
		}
		if got := s.OwnsRepository(repo(tc.labels)); got != tc.owns {
			t.Errorf("%q owns a Repository labelled %v: %v, want %v", tc.selector, tc.labels, got, tc.owns)
		}
	}
}

func TestParseRefusesABadSelector(t *testing.T) {
	for _, bad := range []string{"shard in (a", "=a", "sh ard=a"} {
		if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), "--repository-selector") {
			t.Errorf("Parse(%q) = %v, want an error naming --repository-selector", bad, err)
		}
	}
}
