// Package webhook holds the admission webhooks for what CEL in the CRDs
// cannot see: rules that read other objects (two Repositories over the same
// packages, a task's upstream, the render state of a revision) and that
// depend on the caller (the approval permission, a SubjectAccessReview on
// packagerevisions/approval; the system's own writes, told from users by
// username, see Options.SystemUsers). A mutating webhook records who
// approved a revision. config/webhook/manifests.yaml is generated from the
// markers here.
//
// Files: repository_* (Repository overlap), lifecycle.go, render.go and
// paths.go (the pure rules), packagerevision_webhook.go and
// packagerevisionresources_webhook.go (the validators), status_webhook.go
// (who may write the status subresources, and what), approval.go (the
// permission and the approved-by annotation), lookup.go (reads and cache
// indexes), identity.go (system users, and forUsers, which lets their
// requests through every validator of users' rules).
package webhook
