//! The address guard: a webhook must not become a way to reach the server's own network
//! (loopback, private ranges, link-local such as a cloud's metadata service, the
//! unspecified address, IPv4 hidden in IPv6). Checked when an endpoint is saved and again
//! when connecting, on the addresses actually connected to: a name that resolved to a
//! public address when saved may resolve to a private one later.

use std::{
    future::Future,
    io,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    pin::Pin,
    sync::Arc,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether connecting to `ip` is refused (unless `WEBHOOK_ALLOW_PRIVATE=true`).
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        // "This network" (0.0.0.0/8) reaches the host itself on some systems.
        || a == 0
        // Shared address space (carrier-grade NAT), private in effect.
        || (a == 100 && (64..128).contains(&b))
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses reach
        // IPv4 hosts: refused whatever the IPv4 address, as is NAT64 (64:ff9b::/96).
        || ip.to_ipv4().is_some()
        || ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
        // Unique local (fc00::/7) and link-local (fe80::/10).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// Why a delivery was refused before any connection.
pub fn refusal(ip: IpAddr) -> String {
    format!("Refused to connect to {ip}: a private, loopback or link-local address")
}

/// Refuses a URL whose host is a literal forbidden address: the resolver never sees it.
pub fn check_literal(url: &url::Url, allow_private: bool) -> Result<(), String> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if forbidden(ip) && !allow_private { Err(refusal(ip)) } else { Ok(()) }
}

/// Turns a host name into addresses: the system's resolver in production, a stub in tests.
pub trait Lookup: Send + Sync + 'static {
    fn lookup<'a>(&'a self, host: &'a str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>>;
}

/// The operating system's resolver.
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup<'a>(&'a self, host: &'a str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host, 0)).await?.map(|addr| addr.ip()).collect()) })
    }
}

/// The resolver the webhook client connects through: a name with any forbidden address
/// among its answers is refused, so no connection is ever attempted to it.
pub struct GuardedResolver {
    pub lookup: Arc<dyn Lookup>,
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let lookup = self.lookup.clone();
        let allow_private = self.allow_private;
        Box::pin(async move {
            let ips = lookup.lookup(name.as_str()).await?;
            if let Some(ip) = ips.iter().copied().find(|ip| forbidden(*ip))
                && !allow_private
            {
                return Err(refusal(ip).into());
            }
            // Port 0: the connector uses the URL's port.
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_loopback_link_local_and_unspecified_addresses_are_forbidden() {
        for s in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "ff02::1",
        ] {
            assert!(forbidden(ip(s)), "{s} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for s in ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111"] {
            assert!(!forbidden(ip(s)), "{s} should be allowed");
        }
    }

    #[test]
    fn a_literal_address_in_a_url_is_checked_unless_allowed() {
        let url = url::Url::parse("http://[::ffff:127.0.0.1]:8080/hook").unwrap();
        assert!(check_literal(&url, false).is_err());
        assert!(check_literal(&url, true).is_ok());
        assert!(check_literal(&url::Url::parse("https://example.com/").unwrap(), false).is_ok());
        assert!(check_literal(&url::Url::parse("https://8.8.8.8/").unwrap(), false).is_ok());
    }
}
