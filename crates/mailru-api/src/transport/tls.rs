//! The TLS side of the default transport: the roots it trusts (Mozilla's, through
//! webpki-roots, plus any the user adds) and the rustls client configuration.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

use crate::error::Error;

/// Extra roots the user trusts, parsed when added (so a bad certificate is an error at
/// the builder, not a failed handshake later).
#[derive(Clone, Default)]
pub(crate) struct ExtraRoots {
    /// Each root as DER, already known to parse as a trust anchor.
    ders: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for ExtraRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} extra root(s)", self.ders.len())
    }
}

impl ExtraRoots {
    /// Adds one DER-encoded root certificate.
    pub(crate) fn add_der(&mut self, der: Vec<u8>) -> Result<(), Error> {
        let der = CertificateDer::from(der);
        // Parse it once now: the same check `RootCertStore::add` makes at build time.
        RootCertStore::empty()
            .add(der.clone())
            .map_err(|e| Error::invalid_because("not a usable root certificate", e))?;
        self.ders.push(der);
        Ok(())
    }

    /// Adds every `CERTIFICATE` section of a PEM text; other sections are ignored.
    /// Returns how many were added.
    pub(crate) fn add_pem(&mut self, pem: &[u8]) -> Result<usize, Error> {
        let mut added = Vec::new();
        for der in CertificateDer::pem_slice_iter(pem) {
            let der = der.map_err(|e| Error::invalid_because("not a PEM certificate bundle", e))?;
            added.push(der.to_vec());
        }
        if added.is_empty() {
            return Err(Error::invalid(
                "no CERTIFICATE section in the PEM text of root certificates",
            ));
        }
        let count = added.len();
        // All or nothing: a bundle with one bad certificate adds none.
        let mut next = self.clone();
        for der in added {
            next.add_der(der)?;
        }
        *self = next;
        Ok(count)
    }

    /// The rustls client configuration (ring, TLS 1.2 and 1.3, no client certificate)
    /// trusting Mozilla's roots and these.
    pub(crate) fn client_config(&self) -> ClientConfig {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        // Every root was parsed by `add_der`; `add_parsable_certificates` cannot drop any.
        roots.add_parsable_certificates(self.ders.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            // Cannot fail: it fails only for a provider without a cipher suite of any
            // default version, or whose key-exchange groups and suites disagree; ring's
            // default provider has TLS 1.3 suites (and 1.2 ones) and passes rustls' own
            // consistency check. `client_config_builds` below exercises this line.
            .expect("ring's default provider supports rustls' default TLS versions");
        builder.with_root_certificates(roots).with_no_client_auth()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_config_builds() {
        let config = ExtraRoots::default().client_config();
        assert!(
            config.alpn_protocols.is_empty(),
            "hyper-rustls sets ALPN itself"
        );
    }

    #[test]
    fn bad_roots_are_refused_when_added() {
        let mut roots = ExtraRoots::default();
        let err = roots.add_der(b"not a certificate".to_vec()).unwrap_err();
        assert!(
            err.to_string().contains("not a usable root certificate"),
            "{err}"
        );
        let err = roots.add_pem(b"no pem here").unwrap_err();
        assert!(err.to_string().contains("no CERTIFICATE section"), "{err}");
        let bad_pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(roots.add_pem(bad_pem).is_err());
        assert_eq!(format!("{roots:?}"), "0 extra root(s)");
    }
}
