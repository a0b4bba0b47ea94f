package webhook

import (
	"context"
	"fmt"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// ServiceAccountUser is the username the apiserver gives a service account.
func ServiceAccountUser(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// ParseUsers splits a comma-separated list of usernames, dropping blanks.
func ParseUsers(list string) []string {
	var users []string
	for _, u := range strings.Split(list, ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	return users
}

// systemUsers tells the product's own controllers from users by the
// request's username.
type systemUsers map[string]bool

func newSystemUsers(names []string) systemUsers {
	s := systemUsers{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

// caller is who sent an admission request.
type caller struct {
	authenticationv1.UserInfo
	// system is true for the product's own controllers, which the rules let through.
	system bool
}

// callerOf reads the requesting user from the admission request in ctx.
func (s systemUsers) callerOf(ctx context.Context) (caller, error) {
	req, err := admission.RequestFromContext(ctx)
	if err != nil {
		return caller{}, fmt.Errorf("no admission request: %w", err)
	}
	return caller{UserInfo: req.UserInfo, system: s[req.UserInfo.Username]}, nil
}

// userRules are the rules a kind holds users to, given who is asking.
type userRules[T runtime.Object] interface {
	create(ctx context.Context, who caller, obj T) error
	update(ctx context.Context, who caller, old, obj T) error
	delete(ctx context.Context, who caller, obj T) error
}

// forUsers is the admission.Validator of rules that hold users only: the
// system's requests pass unchecked.
type forUsers[T runtime.Object] struct {
	rules  userRules[T]
	system systemUsers
}

// ValidateCreate holds a user's create to the rules.
func (f *forUsers[T]) ValidateCreate(ctx context.Context, obj T) (admission.Warnings, error) {
	return nil, f.check(ctx, func(who caller) error { return f.rules.create(ctx, who, obj) })
}

// ValidateUpdate holds a user's update to the rules.
func (f *forUsers[T]) ValidateUpdate(ctx context.Context, old, obj T) (admission.Warnings, error) {
	return nil, f.check(ctx, func(who caller) error { return f.rules.update(ctx, who, old, obj) })
}

// ValidateDelete holds a user's delete to the rules.
func (f *forUsers[T]) ValidateDelete(ctx context.Context, obj T) (admission.Warnings, error) {
	return nil, f.check(ctx, func(who caller) error { return f.rules.delete(ctx, who, obj) })
}

func (f *forUsers[T]) check(ctx context.Context, rules func(caller) error) error {
	who, err := f.system.callerOf(ctx)
	if err != nil || who.system {
		return err
	}
	return rules(who)
}
