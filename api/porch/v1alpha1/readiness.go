package v1alpha1

// UnmetReadinessGates lists the readiness gates of the revision whose
// condition is not True in status.conditions or status.packageConditions:
// a revision with any cannot be proposed or approved.
func (pr *PackageRevision) UnmetReadinessGates() []string {
	var unmet []string
	for _, gate := range pr.Spec.ReadinessGates {
		if !pr.conditionTrue(gate.ConditionType) {
			unmet = append(unmet, gate.ConditionType)
		}
	}
	return unmet
}

func (pr *PackageRevision) conditionTrue(typ string) bool {
	for _, c := range pr.Status.PackageConditions {
		if c.Type == typ && c.Status == "True" {
			return true
		}
	}
	for _, c := range pr.Status.Conditions {
		if c.Type == typ && c.Status == "True" {
			return true
		}
	}
	return false
}
