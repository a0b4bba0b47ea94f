// Package variantset turns a PackageVariantSet's template into the
// spec of one PackageVariant per target, and names that PackageVariant.
// Compile checks every CEL expression of a template once, so a bad
// expression stalls the set with the field it is in before any variant is
// touched; Spec then evaluates the compiled template for each target.
// Finding the targets and writing the PackageVariants are the controller's;
// keeping them out lets every rule be tested with plain tables.
package variantset
