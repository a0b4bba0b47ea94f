// Package v1alpha2 holds the config.porch.kpt.dev/v1alpha2 API: the version
// at which upstream Porch serves PackageVariantSet, so that its manifests
// apply unchanged. Its schema is v1alpha1's, field for field: both versions
// are served, v1alpha2 is stored, and the apiserver converts between them
// by the apiVersion alone. The controllers read and write v1alpha1.
// +kubebuilder:object:generate=true
// +groupName=config.porch.kpt.dev
package v1alpha2

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "config.porch.kpt.dev", Version: "v1alpha2"}

	// SchemeBuilder registers the kinds of this package with a scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the kinds of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
