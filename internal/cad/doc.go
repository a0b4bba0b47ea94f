// Package cad will hold the package engine: init, clone, edit, 3-way-merge
// upgrade and render of the Kptfile pipeline, over an in-memory package
// (path to bytes), with no Kubernetes client and no git inside. It is empty
// until the engine work lands.
package cad
