package repository

import (
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/reconcile"
)

// readyCondition is the Ready condition for the outcome of a check.
func readyCondition(generation int64, branchHash string, created bool, err error) metav1.Condition {
	cond := metav1.Condition{Type: configv1alpha1.ConditionReady, ObservedGeneration: generation}
	var stalling *reconcile.Stalling
	var waiting *reconcile.Waiting
	switch {
	case err == nil:
		cond.Status, cond.Reason = metav1.ConditionTrue, configv1alpha1.ReasonReady
		cond.Message = "Repository is ready"
		if created {
			cond.Message = "Repository is ready; created the branch with an initial commit"
		}
		if branchHash != "" {
			cond.Message += fmt.Sprintf(" (branch at %.12s)", branchHash)
		}
	case errors.As(err, &stalling):
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, stalling.Reason, stalling.Message
	case errors.As(err, &waiting):
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, waiting.Reason, waiting.Message
	default:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, configv1alpha1.ReasonError, err.Error()
	}
	return cond
}
