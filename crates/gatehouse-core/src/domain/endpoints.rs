//! Where calls go and what names them: the regions, a key id as shown, and endpoint URLs (which
//! may be plain http:// only for this machine).

/// The commercial regions where API Gateway and Cognito user pools run.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "sa-east-1",
];

/// A region name must look like one before it reaches the SDK (it becomes part of a host name).
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// `AKIA…WXYZ`: enough to recognise a key, not enough to use it.
pub fn mask_key_id(key_id: &str) -> String {
    let chars: Vec<char> = key_id.chars().collect();
    if chars.len() <= 8 {
        return "…".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// An endpoint URL split into what the keys' safety depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointHost {
    pub https: bool,
    /// Without userinfo, port or IPv6 brackets, lower-cased.
    pub host: String,
}

/// The scheme and host of an `http://` or `https://` URL; None when it is not one.
pub fn endpoint_host(url: &str) -> Option<EndpointHost> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            host.parse::<std::net::Ipv6Addr>().ok()?;
            (host, port)
        }
        None => match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = !host.is_empty()
        && (host.contains(':') // an IPv6 address, checked above
            || host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    (port_ok && host_ok).then(|| EndpointHost {
        https,
        host: host.to_ascii_lowercase(),
    })
}

/// This machine: `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether keys may be sent to an endpoint URL: `https://` anywhere, `http://` only to this
/// machine (a local sandbox), since plain HTTP shows the signed requests to the network.
pub fn check_endpoint_url(url: &str) -> Result<(), String> {
    match endpoint_host(url) {
        None => Err(
            "The endpoint must be an http:// or https:// URL, e.g. http://localhost:4566".into(),
        ),
        Some(e) if e.https || is_loopback_host(&e.host) => Ok(()),
        Some(e) => Err(format!(
            "http:// is only allowed for this machine (localhost, 127.0.0.1, [::1]); use https:// for {}",
            e.host
        )),
    }
}
