package io.streamlearn.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Arrays;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The TLS context of the HTTPS server, from a PKCS12 keystore holding its key and certificate chain. */
final class Tls {
    private Tls() {
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (KeyStoreException e) {
            throw new IllegalStateException("keystore not loaded", e);
        }
    }

    /** @throws IllegalArgumentException naming the file (never the password) when it cannot be used */
    static SSLContext serverContext(Path keystore, String password) {
        char[] secret = password.toCharArray();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
            if (Collections.list(store.aliases()).stream().noneMatch(a -> isKey(store, a))) {
                throw new IllegalArgumentException("PKCS12 keystore " + keystore + " holds no private key");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use PKCS12 keystore " + keystore + " for HTTPS (wrong password, "
                    + "not PKCS12, or no private key?): " + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }
}
