package kptfile

import (
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Marshal renders a Kptfile the way kpt writes one after get and update: from
// the struct, with sequences indented under their key. Comments are lost, as
// they are with kpt.
func Marshal(kf *File) (string, error) {
	b, err := yaml.MarshalWithOptions(kf, &yaml.EncoderOptions{SeqIndent: yaml.WideSequenceStyle})
	if err != nil {
		return "", fmt.Errorf("%s: %w", Name, err)
	}
	return string(b), nil
}

// Update reads content, lets change edit the struct, and renders the result
// with Marshal.
func Update(content string, change func(*File)) (string, error) {
	kf, err := Read(content)
	if err != nil {
		return "", err
	}
	change(kf)
	return Marshal(kf)
}

// New returns an empty Kptfile named name.
func New(name string) *File {
	kf := &File{ResourceMeta: kptfilev1.TypeMeta}
	kf.Name = name
	return kf
}

// MarshalCompact renders a Kptfile with sequences level with their key, the
// way kpt pkg init writes a new one.
func MarshalCompact(kf *File) (string, error) {
	b, err := yaml.Marshal(kf)
	if err != nil {
		return "", fmt.Errorf("%s: %w", Name, err)
	}
	return string(b), nil
}
