// Package kptfile reads and writes a package's Kptfile. Reading is strict so
// that a typo in a field is reported, not silently dropped. Writing comes in
// two forms, because kpt itself uses both: Marshal re-renders the whole file
// from the typed struct (what kpt does on get and update, so the field order
// becomes the struct's), and the Set* edits change single fields of the parsed
// document so that comments and the user's field order survive.
package kptfile
