// Package upgrade moves a local package from one upstream version to another
// with kpt's update strategies. resource-merge is a three-way merge: each
// resource of the old upstream, the new upstream and the local package is
// matched by identity and merged field by field with kyaml's merge3, so
// local changes survive and upstream changes arrive.
package upgrade
