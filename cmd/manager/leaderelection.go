package main

import (
	"flag"
	"time"
)

// leaderElection is how the managers of several replicas elect the one
// that runs the controllers; every replica serves the webhooks.
type leaderElection struct {
	namespace                                 string
	leaseDuration, renewDeadline, retryPeriod time.Duration
}

func (l *leaderElection) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&l.namespace, "leader-election-namespace", "", "Namespace of the leader election's Lease; the pod's own in a cluster, required out of one.")
	fs.DurationVar(&l.leaseDuration, "leader-election-lease-duration", 15*time.Second, "How long a replica waits, after the leader last renewed its lease, before it takes over: the longest the controllers stop when the leader dies.")
	fs.DurationVar(&l.renewDeadline, "leader-election-renew-deadline", 10*time.Second, "How long the leader keeps trying to renew its lease before it gives up leading; under --leader-election-lease-duration.")
	fs.DurationVar(&l.retryPeriod, "leader-election-retry-period", 2*time.Second, "How often the replicas try to take or renew the lease.")
}
