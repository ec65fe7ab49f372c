//! Credentials out of git URLs and of the messages that quote them: a token
//! in a clone URL must not reach a terminal, a log or a committed answers
//! file.

/// `url` with its credentials taken out. Over SSH the user is the account
/// (`git@`) and the URL needs it, so only a password goes; elsewhere (HTTP) a
/// user name alone is often a token, so the whole `user[:password]@` goes.
pub(in crate::scaffold) fn without_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    let scheme = &url[..scheme_end];
    let user = &rest[..at];
    if scheme.contains("ssh") {
        let user = user.split_once(':').map_or(user, |(name, _)| name);
        format!("{scheme}{user}@{}", &rest[at + 1..])
    } else {
        format!("{scheme}{}", &rest[at + 1..])
    }
}

/// Whether `url` carries credentials that [`without_userinfo`] would take out.
pub(super) fn carries_credentials(url: &str) -> bool {
    without_userinfo(url) != url
}

/// `text` with the credentials taken out of every URL in it, wherever it
/// stands (quoted, in brackets, after `=`): git quotes the URL it failed on.
pub(super) fn scrub_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find("://") {
        // The scheme: the letters, digits, `+`, `-` and `.` just before `://`.
        let scheme_start = rest[..found]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let after = found + 3;
        // The authority ends where a URL's path, query or fragment starts, or
        // where the URL itself ends in running text.
        let authority_end = rest[after..]
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(c, '/' | '?' | '#' | '\'' | '"' | '`' | ')' | ']' | '>')
            })
            .map_or(rest.len(), |i| after + i);
        out.push_str(&rest[..scheme_start]);
        out.push_str(&without_userinfo(&rest[scheme_start..authority_end]));
        rest = &rest[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_taken_out_of_urls() {
        let cases = [
            (
                "https://user:tok@github.com/a/b.git",
                "https://github.com/a/b.git",
            ),
            ("https://tok@host/a@b", "https://host/a@b"),
            ("ssh://git@host:22/x.git#v1", "ssh://git@host:22/x.git#v1"),
            ("ssh://git:pw@host/x.git", "ssh://git@host/x.git"),
            ("https://host/a.git", "https://host/a.git"),
            ("git@github.com:a/b.git", "git@github.com:a/b.git"),
        ];
        for (given, shown) in cases {
            assert_eq!(without_userinfo(given), shown, "{given}");
            assert_eq!(carries_credentials(given), given != shown, "{given}");
        }
    }

    #[test]
    fn messages_lose_the_credentials_of_every_url() {
        let cases = [
            (
                "unable to access 'https://u:tok@h/a.git/': 401",
                "unable to access 'https://h/a.git/': 401",
            ),
            ("see \"ssh://git:pw@h/b\"", "see \"ssh://git@h/b\""),
            (
                "(https://tok@h/x) [https://tok@h/y]",
                "(https://h/x) [https://h/y]",
            ),
            (
                "url=https://u:pw@h/x and git+https://t@h",
                "url=https://h/x and git+https://h",
            ),
            ("http://x@y", "http://y"),
            ("no url here, nor :// here", "no url here, nor :// here"),
        ];
        for (given, shown) in cases {
            assert_eq!(scrub_urls(given), shown, "{given}");
        }
    }
}
