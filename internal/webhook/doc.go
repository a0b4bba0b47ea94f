// Package webhook will hold the validating webhooks for what CEL in the CRDs
// cannot see: lifecycle transitions that depend on the caller, the approval
// permission (a SubjectAccessReview on packagerevisions/approval), and rules
// that read other objects. It is empty until the authoring work lands.
package webhook
