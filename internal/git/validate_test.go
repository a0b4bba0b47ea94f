package git

import (
	"errors"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
)

func TestCheckFilePathLengths(t *testing.T) {
	longestPath := strings.Repeat("abcdefg/", 511) + strings.Repeat("z", 8)
	for _, tt := range []struct {
		path string
		want string // "" when the path is fine
	}{
		{strings.Repeat("x", 255), ""},
		{"a/" + strings.Repeat("x", 255) + "/b.yaml", ""},
		{longestPath, ""},
		{strings.Repeat("x", 256), "a segment of 256 bytes, over the limit of 255"},
		{"a/" + strings.Repeat("é", 128), "a segment of 256 bytes, over the limit of 255"},
		{longestPath + "z", "4097 bytes long, over the limit of 4096"},
	} {
		err := checkFilePath(tt.path)
		if tt.want == "" {
			if err != nil {
				t.Errorf("checkFilePath of %d bytes = %v, want nil", len(tt.path), err)
			}
			continue
		}
		if !errors.Is(err, backend.ErrInvalidPackage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("checkFilePath of %d bytes = %v, want ErrInvalidPackage saying %q", len(tt.path), err, tt.want)
		}
	}
}
