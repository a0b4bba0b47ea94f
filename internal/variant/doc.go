// Package variant is what a PackageVariant does to its downstream
// package, as pure functions over the package's files: Validate checks a
// spec before anything acts on it, InjectionPoints finds the resources that
// in-cluster objects may fill, and Mutate applies the package context, the
// pipeline functions and the injected objects. Looking objects up in the
// cluster and writing the result back are the controller's; keeping them out
// lets every rule be tested with plain tables.
package variant
