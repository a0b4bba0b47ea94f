package webhook

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// validateName refuses a Repository name that is not a DNS label: it is
// the first part of every name of its revisions, which dots separate. The
// apiserver has already refused a name that is no DNS subdomain.
func validateName(repo *configv1alpha1.Repository) field.ErrorList {
	if len(validation.IsDNS1123Label(repo.Name)) == 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(field.NewPath("metadata", "name"), repo.Name,
		"must be a DNS label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit; "+
			"it is the first part of its package revisions' names, which dots separate")}
}
