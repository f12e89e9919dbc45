//! The system browser: Gatehouse opens only `https://` addresses in it, and every address it opens
//! goes through `may_open` here (the SSO sign-in's page in the window and on the command line, the
//! About dialog's website). Any other address is shown to the user with the reason, not opened:
//! an `http://`, `file:` or `javascript:` address from a profile or an answer could otherwise be
//! opened with one click of the user's trust.

/// Whether Gatehouse may open `url` in the system browser: only a plain `https://HOST/…` address,
/// with no user before the host, no spaces and no control characters. Err: why not, in words for
/// the user ("its address is not https://").
pub fn may_open(url: &str) -> Result<(), String> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("its address contains spaces or control characters".into());
    }
    let Some(rest) = url
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
    else {
        return Err("its address is not https://: Gatehouse opens only https:// pages".into());
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err("its address names no host".into());
    }
    if host.contains('@') {
        return Err("its address names a user before the host (user@host)".into());
    }
    Ok(())
}

/// Why an address was not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpened {
    /// `may_open` refused it: the reason.
    Refused(String),
    /// The system has no browser to open it with, or it failed.
    Failed(String),
}

impl std::fmt::Display for NotOpened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotOpened::Refused(why) => write!(f, "not opened: {why}"),
            NotOpened::Failed(e) => write!(f, "the browser could not be opened: {e}"),
        }
    }
}

/// Opens `url` in the system browser when `may_open` allows it.
pub fn open(url: &str) -> Result<(), NotOpened> {
    may_open(url).map_err(NotOpened::Refused)?;
    open::that_detached(url).map_err(|e| NotOpened::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_with_a_host_are_opened() {
        for url in [
            "https://corp.awsapps.com/start/#/device?user_code=ABCD-EFGH",
            "HTTPS://device.sso.us-east-1.amazonaws.com/",
            "https://github.com",
            "https://127.0.0.1:8443/x",
        ] {
            assert_eq!(may_open(url), Ok(()), "{url}");
        }
        for (url, why) in [
            ("http://corp.awsapps.com/start", "not https://"),
            ("file:///etc/passwd", "not https://"),
            ("javascript:alert(1)", "not https://"),
            ("data:text/html,hi", "not https://"),
            ("ftp://example.com", "not https://"),
            ("corp.awsapps.com/start", "not https://"),
            ("", "not https://"),
            ("https://", "no host"),
            ("https:///etc/passwd", "no host"),
            ("https://:443/", "no host"),
            (
                "https://aws.amazon.com@evil.example/",
                "user before the host",
            ),
            ("https://corp.awsapps.com/ start", "spaces"),
            ("https://corp.awsapps.com/\nstart", "control"),
            (" https://corp.awsapps.com/", "spaces"),
        ] {
            let refused = may_open(url).expect_err(url);
            assert!(refused.contains(why), "{url}: {refused}");
        }
    }

    #[test]
    fn a_refused_address_is_not_handed_to_the_system() {
        assert_eq!(
            open("http://corp.awsapps.com/start"),
            Err(NotOpened::Refused(
                "its address is not https://: Gatehouse opens only https:// pages".into()
            ))
        );
        assert!(open("file:///tmp/x")
            .unwrap_err()
            .to_string()
            .starts_with("not opened: "));
    }
}
