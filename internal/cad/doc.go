// Package cad is the package engine: init, clone, edit, 3-way-merge upgrade
// and render of the Kptfile pipeline, over an in-memory package (path to
// content), with no Kubernetes client and no git inside.
package cad
