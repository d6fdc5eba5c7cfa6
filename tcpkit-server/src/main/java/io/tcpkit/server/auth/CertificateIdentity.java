package io.tcpkit.server.auth;

import io.tcpkit.Connection;
import io.tcpkit.server.log.Audit;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** The identity a verified TLS client certificate gives a connection: its subject's common name. */
public final class CertificateIdentity {
    private CertificateIdentity() {
    }

    /** The CN of the peer's verified certificate, if the connection is TLS and the client sent one. */
    public static Optional<String> commonName(Connection connection) {
        Optional<SSLSession> session = connection.tlsSession();
        if (session.isEmpty()) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.get().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return Optional.empty();
        }
    }

    /**
     * The user a connection is logged in as from the start: the default user without a users
     * file; with one, the user named by a verified client certificate's CN, if there is such a user.
     */
    public static User initialUser(Connection connection, Users users) {
        if (!users.required()) {
            return User.DEFAULT;
        }
        Optional<String> name = commonName(connection);
        if (name.isEmpty()) {
            return null;
        }
        Optional<User> user = users.find(name.get());
        Audit.login(name.get(), connection.remoteAddress().getAddress(), "certificate", user.isPresent());
        return user.orElse(null);
    }
}
