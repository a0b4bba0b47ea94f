// Package git is the go-git adapter for git repositories of packages: a
// bare mirror per repository, discovery of the package revisions it holds
// in upstream Porch's layout, and a Writer that authors them, each write
// one atomic push of compare-and-swap ref updates.
package git
