package webhook

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// validateResourcesSize refuses a package larger than the content limit,
// measured as the object stores it. A larger one would be rendered and
// committed, and then its status could not be recorded beside it.
func validateResourcesSize(resources map[string]string, maxBytes int64) field.ErrorList {
	if maxBytes <= 0 {
		return nil
	}
	size := porchv1alpha1.ResourcesSize(resources)
	if size <= maxBytes {
		return nil
	}
	return field.ErrorList{field.Invalid(resourcesPath, fmt.Sprintf("%d bytes", size), fmt.Sprintf(
		"the package is %d bytes (file names and contents as stored), over the content limit of %d bytes "+
			"(the manager's --max-package-bytes): make it smaller or split it into several packages", size, maxBytes))}
}
