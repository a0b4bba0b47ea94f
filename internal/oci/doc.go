// Package oci is the go-containerregistry adapter for OCI registries of packages.
package oci
