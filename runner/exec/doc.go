// Package exec is the runner's evaluator of functions shipped as
// executables: a config maps each image to a binary, which runs with the
// ResourceList on stdin and writes the new one to stdout, as a function's
// container would, under a timeout and with its output bounded. NewCommand
// runs one command for every image: the wrapper server in a function's pod
// uses it to run the image's entrypoint.
package exec
