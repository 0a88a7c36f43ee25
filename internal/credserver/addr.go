package credserver

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultAddr is the listen address when Options.Addr is empty: the IPv4
// loopback on a port chosen by the kernel.
const DefaultAddr = "127.0.0.1:0"

// loopbackAddr checks that addr ("host:port") names a loopback address and
// returns it. The host is a loopback IP (no zone) or "localhost", which
// means 127.0.0.1; the port is a number, 0 for any free port.
func loopbackAddr(addr string) (netip.AddrPort, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("listen address %q is not host:port", addr)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("listen address %q: port must be a number from 0 to 65535", addr)
	}
	var ip netip.Addr
	if strings.EqualFold(host, "localhost") {
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	} else if ip, err = netip.ParseAddr(host); err != nil || ip.Zone() != "" {
		return netip.AddrPort{}, fmt.Errorf("listen address %q: host must be a loopback IP address or localhost", addr)
	}
	ip = ip.Unmap()
	if !ip.IsLoopback() {
		return netip.AddrPort{}, fmt.Errorf("listen address %q is not a loopback address: the credentials server listens only on loopback", addr)
	}
	return netip.AddrPortFrom(ip, uint16(p)), nil
}

// loopbackHost reports whether the Host header of a request names this
// machine: a loopback IP or localhost, with or without a port.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}
