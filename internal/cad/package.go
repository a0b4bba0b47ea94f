package cad

import (
	"context"
)

// Package is a package's files: a path relative to the package's root,
// '/'-separated, to the file's content. Subpackages are folders holding a
// Kptfile of their own.
type Package map[string]string

// KptfileName is the name of a package's Kptfile.
const KptfileName = "Kptfile"

// Function names one function of a Kptfile pipeline, as kpt does: by image,
// or by executable for local use.
type Function struct {
	// Image is the function's container image, such as
	// ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.
	Image string
	// Exec is a path to an executable that runs the function, when set.
	Exec string
}

// FunctionRunner evaluates KRM functions. The engine calls it once per
// function of a pipeline; implementations run functions in-process (the
// runner's builtin evaluator) or through the runner's gRPC service.
type FunctionRunner interface {
	// Run evaluates fn on resourceList, a KRM ResourceList in YAML, and
	// returns the ResourceList the function wrote and what it logged. A
	// function that fails returns an error; output may still hold its results.
	Run(ctx context.Context, fn Function, resourceList []byte) (output []byte, log []byte, err error)
}
