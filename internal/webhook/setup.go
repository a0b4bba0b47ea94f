package webhook

import (
	ctrl "sigs.k8s.io/controller-runtime"
)

// SetupWithManager registers every webhook of the product with the manager's
// webhook server, which the manager then starts with its other runnables.
func SetupWithManager(mgr ctrl.Manager) error {
	return setupRepositoryWebhook(mgr)
}
