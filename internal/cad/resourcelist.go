package cad

import (
	"context"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ResourceList is a function's input or output, parsed: the items and
// function config of the KRM function specification's ResourceList, and the
// results a function reported.
type ResourceList struct {
	Items          []*yaml.RNode
	FunctionConfig *yaml.RNode
	// Results are what the function reported; output only.
	Results []ResultItem
}

// ResultItem is one result a function reported, in kpt's shape.
type ResultItem = fnresultv1.ResultItem

// NodeRunner is a FunctionRunner that runs some functions on parsed
// resources, in this process. For a package of a few hundred resources,
// writing and parsing the ResourceList on both sides of every function
// costs more than the functions themselves; the engine calls RunNodes first
// and Run only for the functions RunNodes does not handle.
type NodeRunner interface {
	FunctionRunner
	// RunNodes evaluates fn on in and returns the function's output. It
	// leaves in as it was: on failure the engine keeps its input. handled
	// is false, with nothing else set, for a function this runner only
	// runs through Run. A failing function returns an error and, in out,
	// whatever results it reported.
	RunNodes(ctx context.Context, fn Function, in ResourceList) (out ResourceList, log []byte, handled bool, err error)
}
