package webhook

import (
	"strconv"
	"strings"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestValidateResourcesSize(t *testing.T) {
	small := map[string]string{"Kptfile": "kind: Kptfile\n"}
	if errs := validateResourcesSize(small, 1000); len(errs) != 0 {
		t.Errorf("a small package was refused: %v", errs)
	}
	big := map[string]string{"Kptfile": "kind: Kptfile\n", "big.yaml": strings.Repeat("x", 1000)}
	size := porchv1alpha1.ResourcesSize(big)
	if errs := validateResourcesSize(big, size); len(errs) != 0 {
		t.Errorf("a package exactly at the limit was refused: %v", errs)
	}
	expectErrors(t, validateResourcesSize(big, size-1),
		"spec.resources: Invalid value: \""+strconv.FormatInt(size, 10)+" bytes\": the package is "+strconv.FormatInt(size, 10)+" bytes")
	if errs := validateResourcesSize(big, size-1); !strings.Contains(errs.ToAggregate().Error(), "content limit of "+strconv.FormatInt(size-1, 10)+" bytes") {
		t.Errorf("the refusal does not name the limit: %v", errs)
	}
	if errs := validateResourcesSize(big, 0); len(errs) != 0 {
		t.Errorf("no limit refused a package: %v", errs)
	}
}
