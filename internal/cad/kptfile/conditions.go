package kptfile

import (
	"slices"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// PackageConditions are the conditions of a Kptfile's status as the API
// holds them. A condition the API cannot hold (no type, or a status other
// than True, False or Unknown) is left out; the file itself keeps it. So
// is kpt's Rendered condition, which records the last render, not a
// readiness gate's state; SetPackageConditions keeps it.
func PackageConditions(kf *File) []porchv1alpha1.PackageCondition {
	if kf == nil || kf.Status == nil {
		return nil
	}
	var conditions []porchv1alpha1.PackageCondition
	for _, c := range kf.Status.Conditions {
		if c.Type == "" || isRendered(c) || (c.Status != kptfilev1.ConditionTrue && c.Status != kptfilev1.ConditionFalse && c.Status != kptfilev1.ConditionUnknown) {
			continue
		}
		conditions = append(conditions, porchv1alpha1.PackageCondition{
			Type: c.Type, Status: string(c.Status), Reason: c.Reason, Message: c.Message})
	}
	return conditions
}

// SetPackageConditions replaces the conditions of a Kptfile's status with
// the API's, as upstream records a revision's conditions in its package.
func SetPackageConditions(kf *File, conditions []porchv1alpha1.PackageCondition) {
	if kf.Status == nil {
		kf.Status = &kptfilev1.Status{}
	}
	rendered := slices.DeleteFunc(slices.Clone(kf.Status.Conditions), func(c kptfilev1.Condition) bool { return !isRendered(c) })
	kf.Status.Conditions = make([]kptfilev1.Condition, 0, len(conditions)+len(rendered))
	for _, c := range conditions {
		kf.Status.Conditions = append(kf.Status.Conditions, kptfilev1.Condition{
			Type: c.Type, Status: kptfilev1.ConditionStatus(c.Status), Reason: c.Reason, Message: c.Message})
	}
	kf.Status.Conditions = append(kf.Status.Conditions, rendered...)
}

// HasPackageConditions says whether the Kptfile's status holds exactly the
// given conditions, in order.
func HasPackageConditions(kf *File, conditions []porchv1alpha1.PackageCondition) bool {
	return kf != nil && kf.Status != nil &&
		len(kf.Status.Conditions)-countRendered(kf.Status.Conditions) == len(conditions) &&
		slices.Equal(PackageConditions(kf), conditions)
}

func countRendered(conditions []kptfilev1.Condition) int {
	n := 0
	for _, c := range conditions {
		if isRendered(c) {
			n++
		}
	}
	return n
}
