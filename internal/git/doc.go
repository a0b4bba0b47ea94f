// Package git is the go-git adapter for git repositories of packages.
package git
