//go:build unix && !linux

package awsconfig

const mapPopulate = 0
