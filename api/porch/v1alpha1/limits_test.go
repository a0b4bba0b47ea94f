package v1alpha1

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDefaultMaxPackageBytesIsEditable(t *testing.T) {
	if err := CheckPackageLimit(DefaultMaxPackageBytes, DefaultMaxObjectBytes); err != nil {
		t.Fatalf("the default limit is refused: %v", err)
	}
	if DefaultMaxPackageBytes != 512<<10 {
		t.Errorf("DefaultMaxPackageBytes = %d, want 512 KiB", DefaultMaxPackageBytes)
	}
	// 1 MiB, the old default, holds two copies over 1.5 MiB.
	err := CheckPackageLimit(1<<20, DefaultMaxObjectBytes)
	if err == nil || !strings.Contains(err.Error(), "--max-package-bytes=1048576 must be between 1 and 524288") {
		t.Errorf("CheckPackageLimit(1 MiB) = %v, want a refusal naming both sizes", err)
	}
	if err := CheckPackageLimit(0, DefaultMaxObjectBytes); err == nil {
		t.Error("CheckPackageLimit(0) accepted no limit at all")
	}
	if err := CheckPackageLimit(1<<20, 3<<20); err != nil {
		t.Errorf("a 1 MiB limit under a 3 MiB object limit was refused: %v", err)
	}
}

// TestResourcesSizeBoundsTheStoredObject checks that the measure is never
// below what the files take in the stored object: their JSON encoding and
// the managedFields entry of each name.
func TestResourcesSizeBoundsTheStoredObject(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"none":           {},
		"plain":          {"Kptfile": "apiVersion: kpt.dev/v1\n", "deploy/app.yaml": "kind: Deployment\n"},
		"escapes":        {"a": strings.Repeat("<>&\"\\\n\x01", 100)},
		"invalid utf-8":  {"b\xff": "\xfe\xff"},
		"many tiny ones": manyTiny(1000),
	} {
		encoded, err := json.Marshal(files)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]any{}
		for k := range files {
			fields["f:"+k] = struct{}{}
		}
		managed, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		stored := int64(len(encoded) + len(managed))
		if got := ResourcesSize(files); got < stored {
			t.Errorf("%s: ResourcesSize = %d, below the %d bytes stored", name, got, stored)
		}
		raw := int64(0)
		for _, c := range files {
			raw += int64(len(c))
		}
		if got := ResourcesSize(files); got < raw {
			t.Errorf("%s: ResourcesSize = %d, below the %d bytes of content", name, got, raw)
		}
	}
}

func manyTiny(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[strings.Repeat("x", i%7+1)+string(rune('a'+i%26))+strings.Repeat("y", i/26)] = ""
	}
	return files
}
