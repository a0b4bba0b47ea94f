package v1alpha1

// ManagerReadableLabel, "true" on a ClusterRole, adds its rules to what the
// manager may read (the manager-readable ClusterRole of config/rbac
// aggregates them): the kinds PackageVariant injectors get and
// PackageVariantSet objectSelectors list. The manager has no other read
// access beyond its own kinds and the Secrets Repositories name.
const ManagerReadableLabel = "rbac.porch.kpt.dev/aggregate-to-manager"
