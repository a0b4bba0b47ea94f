// Package builtin is the runner's evaluator of functions compiled into the
// runner: the catalog's Go functions that build with the project's kyaml,
// and our own implementations of the other common catalog functions. They run
// in-process, so the common pipelines need no container or executable.
package builtin
