package kptfile

import (
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// ReadinessGates are the readiness gates of a Kptfile's info as the API
// holds them; a gate without a condition type means nothing and is left out.
func ReadinessGates(kf *File) []porchv1alpha1.ReadinessGate {
	if kf == nil || kf.Info == nil {
		return nil
	}
	var gates []porchv1alpha1.ReadinessGate
	for _, g := range kf.Info.ReadinessGates {
		if g.ConditionType != "" {
			gates = append(gates, porchv1alpha1.ReadinessGate{ConditionType: g.ConditionType})
		}
	}
	return gates
}
