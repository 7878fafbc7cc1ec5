package io.streamlearn.ingest.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Checks an {@code Authorization: Bearer <token>} header against the configured tokens. Only SHA-256 digests
 * of the tokens are kept, and the presented token's digest is compared with every one of them in constant time
 * ({@link MessageDigest#isEqual}), so neither timing nor a heap dump gives a token away.
 */
final class BearerTokens {
    enum Outcome { ACCEPTED, MISSING, INVALID }

    private static final String SCHEME = "bearer ";
    private final List<byte[]> digests;

    BearerTokens(List<String> tokens) {
        this.digests = tokens.stream().map(BearerTokens::sha256).toList();
    }

    boolean enabled() {
        return !digests.isEmpty();
    }

    /** MISSING when the header is absent or not a bearer token, INVALID when the token is not one of ours. */
    Outcome check(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return Outcome.MISSING;
        }
        byte[] presented = sha256(authorization.substring(SCHEME.length()).trim());
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match ? Outcome.ACCEPTED : Outcome.INVALID;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
