// Package repository holds what the git and OCI adapters share: the
// credentials they are given and the kinds of failure they report, so that
// controllers tell users what went wrong in the same words for both.
package repository
