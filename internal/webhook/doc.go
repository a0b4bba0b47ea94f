// Package webhook holds the validating webhooks for what CEL in the CRDs
// cannot see: rules that read other objects (two Repositories over the same
// packages) and, as the authoring work lands, lifecycle transitions that
// depend on the caller and the approval permission (a SubjectAccessReview on
// packagerevisions/approval). config/webhook/manifests.yaml is generated from
// the markers here.
package webhook
