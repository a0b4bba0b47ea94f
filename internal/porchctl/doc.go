// Package porchctl holds what the commands of porchctl share: the client
// made from the kubeconfig flags, waiting for the controllers to act on a
// change, and errors worded as upstream porchctl words them.
//
// The API is asynchronous: a write is accepted at once, and a controller
// carries it out in git afterwards. Every command that changes something
// waits until the object reports the outcome for that change, so that no
// command returns before the next one can see its effect.
package porchctl
